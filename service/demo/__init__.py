"""The demo programme, told through the service's own use cases (see `story`); `backdate` is
the one place it writes history directly."""

from service.demo.cast import DEMO_LOGINS, DEMO_PROGRAMME
from service.demo.story import load_demo

__all__ = ["DEMO_LOGINS", "DEMO_PROGRAMME", "load_demo"]
