// The debug adapter over stdin/stdout (`node dist/debugAdapter.js`), for VS Code and any other DAP client.
import { VmscopeSession } from './session';

VmscopeSession.run(VmscopeSession);
