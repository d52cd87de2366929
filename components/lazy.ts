/**
 * Components whose code the popup's first paint does not need, each in its own chunk: the delivery panel (the
 * credentials file, the helper's download), results (copy formats, Open console), results of forgotten sign-ins,
 * the host-permission banner, and each sign-in's Keep fresh and zero-click lines. Each chunk is requested when the part first mounts, right after the first
 * paint; until it arrives the part renders nothing. preact/compat's `lazy` would bring the whole React layer.
 */
import { h, type FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** A component loaded by `load` on first mount; a chunk that cannot be loaded throws into the nearest ErrorBoundary. */
export function lazy<P extends object>(load: () => Promise<FunctionComponent<P>>): FunctionComponent<P> {
  let loaded: FunctionComponent<P> | undefined;
  let loading: Promise<FunctionComponent<P>> | undefined;
  return function Lazy(props: P) {
    // An initializer function, not `loaded` itself: useState would call a component passed as the initial value.
    const [, setLoaded] = useState<FunctionComponent<P> | undefined>(() => loaded);
    const [failure, setFailure] = useState<{ error: unknown }>();
    useEffect(() => {
      if (loaded) return;
      let alive = true;
      loading ??= load().then((component) => (loaded = component));
      loading.then(
        (component) => alive && setLoaded(() => component),
        (error: unknown) => {
          loading = undefined;
          if (alive) setFailure({ error });
        },
      );
      return () => {
        alive = false;
      };
    }, []);
    if (failure) throw failure.error;
    return loaded ? h(loaded, props) : null;
  };
}

export const DeliveryPanel = lazy(() => import('./DeliveryPanel').then((m) => m.DeliveryPanel));
export const RoleResult = lazy(() => import('./RoleResult').then((m) => m.RoleResult));
export const HostPermissionBanner = lazy(() => import('./HostPermissionBanner').then((m) => m.default));
/** A sign-in's Keep fresh line and its zero-click line: status lines, shown right after the rows. */
export const KeepFresh = lazy(() => import('./popup/KeepFresh').then((m) => m.KeepFresh));
export const ZeroClickLine = lazy(() => import('./popup/ZeroClickLine').then((m) => m.ZeroClickLine));
