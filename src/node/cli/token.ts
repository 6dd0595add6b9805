import type { Command } from './io.js';
/** `oauthbearer token`. */
export const command: Command = { name: 'token', summary: 'todo', usage: 'todo', run: async () => 1 };
