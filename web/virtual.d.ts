// Modules that vite.config.ts makes up.

/** The address of the teaching tools' script (web/teach.ts, a file of its own). */
declare module 'virtual:teach-url' {
  const url: string;
  export default url;
}
