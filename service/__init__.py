"""supplierdev: the web service that runs supplier development programmes."""
