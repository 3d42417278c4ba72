/*
|--------------------------------------------------------------------------
| JavaScript entrypoint for running ace commands
|--------------------------------------------------------------------------
|
| ts-node-maintained compiles the TypeScript sources on the fly (with swc);
| a production build rewrites this file to import bin/console.js directly.
*/
import 'ts-node-maintained/register/esm'

await import('./bin/console.js')
