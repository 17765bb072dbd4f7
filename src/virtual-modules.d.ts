// The modules src/integration/virtual-modules.ts gives the pages.
declare module 'virtual:aftermath/config' {
  const config: import('./integration/virtual-modules.ts').SiteConfig;
  export default config;
}
declare module 'virtual:aftermath/components/Header' {
  const Header: (props: Record<string, never>) => unknown;
  export default Header;
}
declare module 'virtual:aftermath/components/Footer' {
  const Footer: (props: Record<string, never>) => unknown;
  export default Footer;
}
