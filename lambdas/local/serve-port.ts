/** The live dashboard's default port: alone, so the CLI's help text names it without loading the server. */
export const DEFAULT_SERVE_PORT = 8080;
