// The wire form of a message as runs of text ranges (received text, edited lines, new body), merged where
// one continues the previous, so an unedited message is one run copied in one go.

/** Text ranges in order, merged where one continues the previous. */
export class Runs {
  readonly texts: string[] = [];
  readonly bounds: number[] = [];
  count = 0;
  length = 0;

  add(text: string): void {
    this.addRange(text, 0, text.length);
  }

  addRange(text: string, start: number, end: number): void {
    if (end === start) return;
    this.length += end - start;
    const last = this.count - 1;
    if (last >= 0 && this.texts[last] === text && this.bounds[2 * last + 1] === start) {
      this.bounds[2 * last + 1] = end;
      return;
    }
    this.texts.push(text);
    this.bounds.push(start, end);
    this.count++;
  }
}
