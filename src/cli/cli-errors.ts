/** Bad arguments or bad input: the CLI prints the message on one line and exits with code 2. */
export class CliInputError extends Error {}
