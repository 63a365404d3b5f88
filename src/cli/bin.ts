#!/usr/bin/env node
// The kubectl-stage bin (lib/bundle/kubectl-stage.js) and the single executable's main script (issue 16: start-up):
// it loads the CLI's bundle through the bundle loader, with its code cache, and runs it as the program. Bundled use
// only: it loads lib/bundle/kubectl-stage-cli.js from beside itself (main.ts runs from src/ or lib/cli/ on its own).
import { programBundleLoader } from './bundle-loader';

(programBundleLoader().load('kubectl-stage-cli') as typeof import('./main')).runAsProgram();
