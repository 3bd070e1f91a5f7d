"""Product, vendor and version of zaqar-lite (logs, GMR Package section)."""

import pbr.version

PRODUCT = 'zaqar-lite'
VENDOR = 'zaqar-lite developers'

version_info = pbr.version.VersionInfo('zaqar-lite')


def version_string() -> str:
    """The installed version, e.g. '0.1.0' or '0.0.1.dev12'."""
    try:
        return version_info.version_string()
    except Exception:  # not installed as a distribution (plain checkout)
        return 'unknown'


def package_string() -> str:
    """Where the running code comes from: the distribution's release string."""
    try:
        return version_info.release_string()
    except Exception:
        return 'unknown'
