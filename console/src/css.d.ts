// CSS files are imported for their side effect: esbuild collects them into /console/app.css.
declare module '*.css';
