import type { Command } from './io.js';
/** `oauthbearer probe`. */
export const command: Command = { name: 'probe', summary: 'todo', usage: 'todo', run: async () => 1 };
