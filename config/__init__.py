"""Settings classes and the environment overrides that configure them.

``load_config(name)`` returns a plain dict: the class defaults for the named
environment, overridden by environment variables. Production refuses to start
when a variable it cannot do without is missing or still a default.
"""

from config.settings import ConfigError, load_config

__all__ = ["ConfigError", "load_config"]
