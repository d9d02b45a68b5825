"""The plugin host: discovery, validation of the plugin graph, and hook dispatch.

A fresh host (and pluggy manager) is built per app, so tests can build many apps with
different plugin sets in one process.

Two kinds of plugin go through it, declared the same way (:class:`bazaar.sdk.plugin.Plugin`):

* **built-ins** (ids ``core.<domain>``), handed over by the composition root
  (:mod:`bazaar.core.root`): always on, in the order given (their dependency order, which is
  also their migration order), registered first; they are not listed in ``plugins.enabled``;
* **plugins**: installed through the ``bazaar.plugins`` entry points, on when listed in
  ``plugins.enabled``, ordered by ``requires``.

The kernel itself knows neither: it imports no domain.
"""

from __future__ import annotations

import difflib
import fnmatch
import inspect
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, cast

import msgspec
import pluggy

from bazaar.core import KERNEL_VERSION
from bazaar.core.kernel.config import Settings, explain
from bazaar.core.kernel.versions import satisfies
from bazaar.sdk.errors import BazaarError, ConfigError, PluginError, PluginFailed, PluginVetoed
from bazaar.sdk.events import Event, check_event_class, event_classes
from bazaar.sdk.hookspecs import PROJECT, hook_kind, spec_modules
from bazaar.sdk.plugin import Listener, Plugin
from bazaar.sdk.runtime import PluginContext, PluginRuntime
from bazaar.sdk.types import Objection

ENTRY_POINT_GROUP = "bazaar.plugins"
#: ids under this prefix belong to the core's built-in domains
BUILTIN_PREFIX = "core."
log = logging.getLogger("bazaar.plugins")


def _check_builtins(builtins: Iterable[Plugin]) -> dict[str, Plugin]:
    """The built-ins by id, in the order given; each names only earlier ones in ``requires``."""
    out: dict[str, Plugin] = {}
    for plugin in builtins:
        if not plugin.id.startswith(BUILTIN_PREFIX):
            raise PluginError(f"built-in {plugin.id!r}: a built-in's id starts with {BUILTIN_PREFIX!r}")
        if plugin.id in out:
            raise PluginError(f"built-in {plugin.id!r} is given twice")
        if later := [req for req in plugin.requires if req not in out]:
            raise PluginError(f"built-in {plugin.id!r} requires {later}, which must come before it")
        out[plugin.id] = plugin
    return out


def discover() -> dict[str, Plugin]:
    """Every plugin installed through the ``bazaar.plugins`` entry-point group, by id."""
    found: dict[str, Plugin] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        plugin = ep.load()
        if not isinstance(plugin, Plugin):
            raise PluginError(f"entry point {ep.name!r} ({ep.value}) is not a bazaar.sdk.Plugin")
        if plugin.id != ep.name:
            raise PluginError(
                f"entry point {ep.name!r} loads plugin {plugin.id!r}: the names must match"
            )
        if plugin.id in found:
            raise PluginError(f"plugin {plugin.id!r} is installed twice")
        if plugin.id.startswith(BUILTIN_PREFIX):
            raise PluginError(f"plugin {plugin.id!r}: ids starting with {BUILTIN_PREFIX!r} are the core's")
        found[plugin.id] = plugin
    return found


class _UnboundRuntime:
    """Stands in for ``PluginContext.runtime`` until the runtime is built (see ``bind_runtime``)."""

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(
            f"PluginContext.runtime.{name}: the runtime is bound after start-up; "
            "keep the context and use it in hooks, not in the hooks object's constructor"
        )


_UNBOUND = cast(PluginRuntime, _UnboundRuntime())


@dataclass
class LoadedPlugin:
    plugin: Plugin
    config: Any
    hooks: Any
    context: PluginContext[Any]


@dataclass(frozen=True)
class _Impl:
    plugin: str
    function: Any
    argnames: tuple[str, ...]
    is_async: bool


@dataclass
class PluginHost:
    """Validates the enabled plugins, registers them and dispatches hooks by kind."""

    settings: Settings
    #: the optional plugins installed (or handed in as ``extra``), enabled or not
    available: dict[str, Plugin]
    #: the core's built-in domains in their dependency order (always on)
    builtin: dict[str, Plugin] = field(default_factory=dict)
    #: every plugin in force: the built-ins first, then the enabled plugins
    loaded: dict[str, LoadedPlugin] = field(default_factory=dict)
    #: the enabled (optional) plugins in dependency order; built-ins are not in it
    order: list[str] = field(default_factory=list)
    providers: dict[tuple[str, str], Any] = field(default_factory=dict)
    provider_owner: dict[tuple[str, str], str] = field(default_factory=dict)
    timers: dict[str, Any] = field(default_factory=dict)
    #: event type -> ``(plugin id, listener)`` in load order (built-ins first), run inside ``emit``
    listeners: dict[str, list[tuple[str, Listener]]] = field(default_factory=dict)
    #: event classes declared by enabled plugins (``Plugin.events``), with the plugin ids declaring each
    event_declarers: dict[type, list[str]] = field(default_factory=dict)
    _impls: dict[str, tuple[_Impl, ...]] = field(default_factory=dict)
    #: the same implementations in plugin-id order (collect and objections), sorted once at start
    _by_id: dict[str, tuple[_Impl, ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        builtins: Iterable[Plugin] = (),
        extra: Iterable[Plugin] = (),
        discover_installed: bool = True,
    ) -> PluginHost:
        """Validate and register ``builtins`` (always on) and the enabled plugins among the
        installed ones (``discover_installed``) and ``extra``."""
        available = discover() if discover_installed else {}
        for plugin in extra:
            available[plugin.id] = plugin
        host = cls(settings=settings, available=available, builtin=_check_builtins(builtins))
        for pid in host.builtin:
            if pid in available:
                raise PluginError(f"plugin {pid!r} is installed, but the core has a built-in of that id")
        host._validate_and_register()
        return host

    def is_builtin(self, plugin_id: str) -> bool:
        """Whether ``plugin_id`` is one of the core's built-in domains."""
        return plugin_id in self.builtin

    # --- start-up -------------------------------------------------------------------

    def _validate_and_register(self) -> None:
        enabled = list(dict.fromkeys(self.settings.plugins.enabled))
        if always_on := [pid for pid in enabled if pid in self.builtin]:
            raise PluginError(
                f"{', '.join(repr(p) for p in always_on)}: built into the core and always on; "
                "remove from plugins.enabled"
            )
        unknown = [pid for pid in enabled if pid not in self.available]
        if unknown:
            hints = [
                f"{pid!r} (did you mean {', '.join(repr(m) for m in close)}?)"
                if (close := difflib.get_close_matches(pid, self.available, n=2))
                else repr(pid)
                for pid in unknown
            ]
            raise PluginError(
                f"unknown plugin id(s) in plugins.enabled: {', '.join(hints)}; "
                f"installed: {', '.join(sorted(self.available)) or 'none'}"
            )
        configs = self._decode_configs()
        for pid in enabled:
            plugin = self.available[pid]
            try:
                ok = satisfies(KERNEL_VERSION, plugin.kernel)
            except ValueError as exc:
                raise PluginError(f"plugin {pid!r}: {exc}") from None
            if not ok:
                raise PluginError(
                    f"plugin {pid!r} {plugin.version} supports kernel {plugin.kernel}, "
                    f"this kernel is {KERNEL_VERSION}"
                )
            for req in plugin.requires:
                if req not in enabled and req not in self.builtin:
                    raise PluginError(f"plugin {pid!r} requires {req!r}, which is not enabled")
            for other in plugin.conflicts:
                if other in enabled:
                    raise PluginError(f"plugin {pid!r} conflicts with {other!r}: enable only one")
        slot_owner: dict[str, str] = {}
        for pid in sorted(enabled):
            for slot in self.available[pid].slots:
                if slot in slot_owner:
                    raise PluginError(
                        f"plugins {slot_owner[slot]!r} and {pid!r} both claim the exclusive slot {slot!r}"
                    )
                slot_owner[slot] = pid
        self.order = self._dependency_order(enabled)
        pm = pluggy.PluginManager(PROJECT)
        for module in spec_modules():
            pm.add_hookspecs(module)
        self.pm = pm
        known_events = event_classes()
        for pid in [*self.builtin, *self.order]:
            plugin = self.builtin.get(pid) or self.available[pid]
            context: PluginContext[Any] = PluginContext(id=pid, config=configs[pid], runtime=_UNBOUND)
            hooks: Any = plugin.hooks
            if inspect.isclass(hooks):
                factory: Any = hooks
                hooks = factory(context) if inspect.signature(factory).parameters else factory()
            self.loaded[pid] = LoadedPlugin(plugin, configs[pid], hooks, context)
            if hooks is not None:
                try:
                    pm.register(hooks, name=pid)
                except pluggy.PluginValidationError as exc:
                    raise PluginError(f"plugin {pid!r}: {exc}") from None
            for kind, handler in plugin.timers.items():
                self.timers[kind] = handler
            for event_class in plugin.events:
                problem = check_event_class(event_class)
                if problem:
                    raise PluginError(f"plugin {pid!r}: events: {problem}")
                self.event_declarers.setdefault(event_class, []).append(pid)
            for event_type, listener in plugin.listeners.items():
                if event_type not in known_events:
                    close = difflib.get_close_matches(event_type, known_events, n=1)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    raise PluginError(f"plugin {pid!r} listens to {event_type!r}, which is no event type{hint}")
                self.listeners.setdefault(event_type, []).append((pid, listener))
        self._check_hook_names()
        self._build_dispatch()
        self._register_providers()

    def _decode_configs(self) -> dict[str, Any]:
        tables = self.settings.plugins.settings
        problems: list[str] = []
        configs: dict[str, Any] = {}
        ids = set(self.available)
        for path, table in tables.items():
            if path in ids:
                continue
            if any(path.startswith(pid + ".") for pid in ids):
                continue  # a nested table inside a plugin's own table
            if any(pid.startswith(path + ".") for pid in ids):
                scalars = [k for k, v in table.items() if not isinstance(v, dict)]
                problems += [f"plugins.{path}.{k}: unknown key" for k in scalars]
                continue
            problems.append(f"plugins.{path}: no installed plugin has this id")
        for pid, plugin in self.builtin.items():
            configs[pid] = msgspec.convert({}, plugin.config)
        for pid, plugin in self.available.items():
            # a plugin's table holds the tables of plugins nested under its id
            # ([plugins.logistics.cod] inside [plugins.logistics]): those are not its keys
            own = {k: v for k, v in tables.get(pid, {}).items() if f"{pid}.{k}" not in ids}
            try:
                configs[pid] = msgspec.convert(own, plugin.config, strict=False)
            except msgspec.ValidationError as exc:
                if pid in self.settings.plugins.enabled or pid in tables:
                    problems.append(explain(exc, own, root=f"plugins.{pid}", type_=plugin.config))
        if problems:
            raise ConfigError(problems)
        return configs

    def _dependency_order(self, enabled: list[str]) -> list[str]:
        done: list[str] = []
        visiting: set[str] = set()

        def visit(pid: str) -> None:
            if pid in done:
                return
            if pid in visiting:
                raise PluginError(f"plugin dependency cycle through {pid!r}")
            visiting.add(pid)
            for req in sorted(self.available[pid].requires):
                if req not in self.builtin:
                    visit(req)
            visiting.discard(pid)
            done.append(pid)

        for pid in sorted(enabled):
            visit(pid)
        return done

    def _check_hook_names(self) -> None:
        specs = {name for name in vars(self.pm.hook) if not name.startswith("_")}
        for name in specs:
            caller = getattr(self.pm.hook, name)
            if caller.has_spec():
                kind = hook_kind(name)
                for impl in caller.get_hookimpls():
                    if kind == "select" and inspect.iscoroutinefunction(impl.function):
                        raise PluginError(
                            f"plugin {impl.plugin_name!r}: {name} is a select hook and must be "
                            "synchronous and pure; an async implementation is refused"
                        )
                    if impl.hookwrapper or impl.wrapper:
                        raise PluginError(f"plugin {impl.plugin_name!r}: hook wrappers are not supported ({name})")
                continue
            known = [n for n in specs if getattr(self.pm.hook, n).has_spec()]
            for impl in caller.get_hookimpls():
                close = difflib.get_close_matches(name, known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise PluginError(
                    f"plugin {impl.plugin_name!r} implements {name!r}, which matches no hookspec{hint}"
                )

    def _build_dispatch(self) -> None:
        for name in vars(self.pm.hook):
            if name.startswith("_"):
                continue
            caller = getattr(self.pm.hook, name)
            # pluggy calls implementations last-registered first, honouring tryfirst/trylast
            impls = [
                _Impl(
                    plugin=i.plugin_name,
                    function=i.function,
                    argnames=tuple(i.argnames),
                    is_async=inspect.iscoroutinefunction(i.function),
                )
                for i in reversed(caller.get_hookimpls())
            ]
            self._impls[name] = tuple(impls)
            self._by_id[name] = tuple(sorted(impls, key=lambda i: i.plugin))

    def _register_providers(self) -> None:
        for impl in self.impls("bazaar_register_providers"):
            for provider in self._call(impl, "bazaar_register_providers", {}) or []:
                key = (provider.kind, provider.id)
                if key in self.providers:
                    raise PluginError(
                        f"plugins {self.provider_owner[key]!r} and {impl.plugin!r} both register "
                        f"the {provider.kind} provider {provider.id!r}"
                    )
                self.providers[key] = provider
                self.provider_owner[key] = impl.plugin

    def bind_runtime(self, runtime: PluginRuntime) -> None:
        """Hand the built runtime to every plugin's context."""
        for loaded in self.loaded.values():
            loaded.context.runtime = runtime

    # --- dispatch -------------------------------------------------------------------

    def impls(self, hook: str) -> tuple[_Impl, ...]:
        return self._impls.get(hook, ())

    def _call(self, impl: _Impl, hook: str, kwargs: dict[str, Any]) -> Any:
        try:
            return impl.function(*[kwargs[a] for a in impl.argnames])
        except BazaarError:
            raise
        except Exception as exc:
            log.exception("plugin %s failed in %s", impl.plugin, hook, extra={"plugin": impl.plugin, "hook": hook})
            raise PluginFailed(impl.plugin, hook) from exc

    async def _acall(self, impl: _Impl, hook: str, kwargs: dict[str, Any]) -> Any:
        if not impl.is_async:
            return self._call(impl, hook, kwargs)
        try:
            return await impl.function(*[kwargs[a] for a in impl.argnames])
        except BazaarError:
            raise
        except Exception as exc:
            log.exception("plugin %s failed in %s", impl.plugin, hook, extra={"plugin": impl.plugin, "hook": hook})
            raise PluginFailed(impl.plugin, hook) from exc

    def select(self, hook: str, **kwargs: Any) -> tuple[str, Any] | None:
        """First non-``None`` answer of a select hook, with the plugin that gave it."""
        for impl in self._impls.get(hook, ()):
            result = self._call(impl, hook, kwargs)
            if result is not None:
                return impl.plugin, result
        return None

    async def collect(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Every plugin's answer as ``(plugin id, answer)``, sorted by plugin id."""
        answers = []
        for impl in self._by_id.get(hook, ()):
            result = await self._acall(impl, hook, kwargs) if impl.is_async else self._call(impl, hook, kwargs)
            if result is not None:
                answers.append((impl.plugin, result))
        return answers

    async def objections(self, hook: str, **kwargs: Any) -> None:
        """Ask every plugin (in id order); the first objection raises :class:`PluginVetoed`."""
        for impl in self._by_id.get(hook, ()):
            result = await self._acall(impl, hook, kwargs) if impl.is_async else self._call(impl, hook, kwargs)
            if result is None:
                continue
            if isinstance(result, str):
                raise PluginVetoed(impl.plugin, result)
            if isinstance(result, Objection):
                raise PluginVetoed(impl.plugin, result.reason, code=result.code)
            raise PluginFailed(impl.plugin, hook)

    def subscribers(self, event_type: str) -> list[str]:
        """Plugins with a ``bazaar_handle_event`` whose ``subscribes`` match ``event_type``."""
        handlers = {i.plugin for i in self._impls.get("bazaar_handle_event", ())}
        return sorted(
            pid
            for pid in handlers
            if any(fnmatch.fnmatchcase(event_type, pat) for pat in self.loaded[pid].plugin.subscribes)
        )

    async def handle_event(self, plugin_id: str, **kwargs: Any) -> None:
        for impl in self._impls.get("bazaar_handle_event", ()):
            if impl.plugin == plugin_id:
                await self._acall(impl, "bazaar_handle_event", kwargs)

    async def run_listeners(self, runtime: Any, event: Event) -> None:
        """Call every listener of ``event.type`` (``Plugin.listeners``) in load order, in the
        caller's transaction; an error fails the emitter (anything but a ``BazaarError``
        becomes :class:`PluginFailed`)."""
        for pid, listener in self.listeners.get(event.type, ()):
            try:
                await listener(runtime, event)
            except BazaarError:
                raise
            except Exception as exc:
                log.exception("plugin %s failed listening to %s", pid, event.type, extra={"plugin": pid})
                raise PluginFailed(pid, f"listener of {event.type}") from exc

    def provider(self, kind: str, provider_id: str) -> Any:
        try:
            return self.providers[(kind, provider_id)]
        except KeyError:
            raise PluginError(f"no {kind} provider {provider_id!r} is registered") from None

    def plugin_config(self, plugin_id: str) -> Any:
        return self.loaded[plugin_id].config
