"""The composition root: the one place that puts the kernel and the core's domains together.

The kernel (:mod:`bazaar.core.kernel`) imports no domain; the domains import the kernel
and the domains below them; this package imports both, and nothing imports it but entry
points (the ``bazaar`` command, ``uvicorn --factory``, the test kit, benches):

* :data:`BUILTINS`: the core's domains, each a :class:`bazaar.sdk.plugin.Plugin` declared in
  its ``<domain>/plugin.py`` (routes, Piccolo app, timers, events, listeners), in their
  dependency order, which is also their migration order (after the kernel's app, before
  the enabled plugins'). They are always on, registered before the optional plugins,
  the way datasette and pytest register their own built-ins.
* :func:`build_runtime`: a kernel :class:`~bazaar.core.kernel.runtime.Runtime` with the built-ins.
* :func:`create_app` / :func:`app_factory`: the Litestar app, with the core's auth guard.
"""

from bazaar.core.root.app import app_factory, create_app
from bazaar.core.root.builtins import BUILTINS, build_host, build_runtime, installed_app_modules

__all__ = ["BUILTINS", "app_factory", "build_host", "build_runtime", "create_app", "installed_app_modules"]
