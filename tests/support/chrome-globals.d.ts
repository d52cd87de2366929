// The few `chrome.*` calls tests evaluate inside extension pages and the service worker (product code uses
// `browser` from wxt/browser). Declared here so the tests type-check without pulling chrome types into lib/.
declare namespace chrome {
  namespace storage {
    interface Area {
      get(keys: null | string | string[]): Promise<Record<string, unknown>>;
      set(items: Record<string, unknown>): Promise<void>;
    }
    const local: Area;
    const sync: Area;
    const session: Area;
    const managed: Area;
  }
  namespace action {
    function getBadgeText(details: { tabId?: number }): Promise<string>;
    function getTitle(details: { tabId?: number }): Promise<string>;
  }
  namespace webRequest {
    const onBeforeRequest: { hasListeners(): boolean };
  }
  namespace notifications {
    function getAll(): Promise<Record<string, boolean>>;
    function clear(id: string): Promise<boolean>;
  }
}
