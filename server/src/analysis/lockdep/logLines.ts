/**
 * Splits a kernel log into lines and peels off what the logging path put in front of the message:
 * a syslog or journal header, a `<4>` level, the `[  12.345678]` timestamp and a `[ T123]` caller id.
 * The rest keeps its indentation, which lockdep's scenario table relies on.
 */

export interface LogLine {
  /** 0-based line number in the input. */
  index: number;
  /** The message, without the prefix. */
  text: string;
  /** Column where `text` starts in the original line. */
  column: number;
}

// Sticky patterns, tried at the current offset without slicing the line.
const SYSLOG_HEADER = /(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT[\d:.,+-]+Z?) \S+ kernel: ?/y;
const LOG_LEVEL = /<\d>/y;
// printk ends the timestamp with one space; the message's own indentation starts after it.
const TIMESTAMP = /\[ *\d+\.\d+\]/y;
const CALLER_ID = /\[ *[TC]\d+\]/y;

export function splitLogLines(text: string): LogLine[] {
  const raw = text.split(/\r?\n|\r/);
  // A trailing newline does not start another line.
  if (raw.length > 1 && raw[raw.length - 1] === '') raw.pop();
  return raw.map((line, index) => {
    const column = prefixLength(line);
    return { index, text: column === 0 ? line : line.slice(column), column };
  });
}

function prefixLength(line: string): number {
  let at = 0;
  const take = (pattern: RegExp): boolean => {
    pattern.lastIndex = at;
    const matched = pattern.test(line);
    if (matched) at = pattern.lastIndex;
    return matched;
  };
  take(SYSLOG_HEADER);
  take(LOG_LEVEL);
  if (take(TIMESTAMP)) {
    take(CALLER_ID);
    if (line[at] === ' ') at++;
  }
  return at;
}
