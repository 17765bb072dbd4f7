// The modules src/integration/virtual-modules.ts gives the pages.
declare module 'virtual:aftermath/config' {
  const config: import('./integration/virtual-modules.ts').SiteConfig;
  export default config;
}
declare module 'virtual:aftermath/mdx-components' {
  const components: Record<string, (props: Record<string, unknown>) => unknown>;
  export default components;
}
declare module 'virtual:aftermath/components/Header' {
  /** `editions`: the page in each of the site's locales, for a language switcher (empty when it has one). */
  const Header: (props: { editions?: import('./view/page-locale.ts').PageEdition[] }) => unknown;
  export default Header;
}
declare module 'virtual:aftermath/components/Footer' {
  const Footer: (props: Record<string, never>) => unknown;
  export default Footer;
}

// .astro files, for the TypeScript files that re-export them (src/components/index.ts). `astro
// check` resolves the files themselves; plain tsc, which cannot, sees them as components.
declare module '*.astro' {
  const Component: (props: Record<string, unknown>) => unknown;
  export default Component;
}
