// Where a command's answer goes: the human view, or with --json the API's raw JSON.
// Errors always go to stderr.

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

export class Output {
  readonly json: boolean;
  private readonly io: Io;

  constructor(io: Io, json: boolean) {
    this.io = io;
    this.json = json;
  }

  /** The raw API answer with --json, else the human view (built only when needed). */
  result(raw: unknown, human: () => string): void {
    if (this.json) this.printJson(raw);
    else this.print(human());
  }

  print(text = ''): void {
    this.io.stdout(text.endsWith('\n') ? text : text + '\n');
  }

  printJson(value: unknown): void {
    this.io.stdout(JSON.stringify(value, null, 2) + '\n');
  }

  error(text: string): void {
    this.io.stderr(text.endsWith('\n') ? text : text + '\n');
  }
}
