// The one error a source of socket data throws when it cannot be read at all: a bad --netns name, a
// namespace whose way in vanished, an --input that is missing or not a file. It carries its message in
// both languages; the CLI prints it as one line with exit status 2, a server as its answer.
import type { Text } from '../i18n/lang.js';

export class SourceError extends Error {
  /** The message in both languages; `message` is the English one. */
  constructor(readonly text: Text) { super(text.en); this.name = 'SourceError'; }
}
