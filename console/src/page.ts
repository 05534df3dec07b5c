// What a page of the console is. To add one: write console/src/pages/<name>.ts (or, once it grows, a folder
// console/src/pages/<name>/ whose index.ts puts its parts together, as playground/ does) exporting a Page, and list
// it in console/src/pages/index.ts (the order there is the navigation's order). Its route is `#/<id>`,
// and `#/<id>/a/b` gives params ['a', 'b']. Build DOM with h() from ./dom (never innerHTML), call the
// API with ./api (json/listAll with ctx.session.key), and pass ctx.signal to fetches so leaving the page
// cancels them.

import type { Session } from './session';

export interface PageContext {
  session: Session;
  /** Path segments after the page id, decoded. */
  params: string[];
  /** Aborted when the user leaves the page (or signs out). */
  signal: AbortSignal;
  navigate(hash: string): void;
}

export interface Page {
  /** Route segment: `#/<id>`. */
  id: string;
  /** Navigation label and document title. */
  title: string;
  /** Shown in the navigation (detail pages are not). */
  nav: boolean;
  /** Needs a platform key or the admin token (the admin API). */
  platformOnly: boolean;
  render(ctx: PageContext): Node | Promise<Node>;
}
