"""The provider registry: capabilities, qualifications, contact and delivery ratings."""
