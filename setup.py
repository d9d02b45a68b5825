"""Map the top-level folders client/, core/, plugins/, sdk/ onto the ``bazaar`` namespace.

``client/`` is also a distribution of its own (``client/pyproject.toml``: ``bazaar-client``)
for storefronts that install the client without the server.
"""

from pathlib import Path

from setuptools import find_packages, setup

ROOTS = {"client": "bazaar.client", "core": "bazaar.core", "plugins": "bazaar.plugins", "sdk": "bazaar.sdk"}

package_dir: dict[str, str] = {}
packages: list[str] = []
for folder, name in ROOTS.items():
    package_dir[name] = folder
    packages.append(name)
    packages += [f"{name}.{sub}" for sub in find_packages(folder)]

setup(
    package_dir=package_dir,
    packages=packages,
    package_data={name: ["**/*.html", "**/*.js", "**/*.toml", "**/*.json", "py.typed"] for name in ROOTS.values()},
    include_package_data=True,
)
