// The "Examples:" section of a command's help, as kubectl prints it: a comment line, then the command, with the
// program named as the user invoked it.

/** One example: what it does, and the arguments after the program name. */
export type HelpExample = readonly [what: string, args: string];

/** The help text after a command's options: `Examples:` and each example (a `# what` line, then the command). */
export function helpExamples(name: string, examples: readonly HelpExample[]): string {
  return `\nExamples:\n${examples.map(([what, args]) => `  # ${what}\n  ${name} ${args}`).join('\n\n')}\n`;
}
