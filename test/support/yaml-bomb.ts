/** Nine levels of nine-way aliases: a few hundred bytes that stand for 9^9 (387 million) strings. */
export function billionLaughs(levels = 9, width = 9): string {
  const names = 'abcdefghijklmnop';
  const lines = [`x-a: &a [${Array.from({ length: width }, () => '"lol"').join(',')}]`];
  for (let i = 1; i < levels; i++) lines.push(`x-${names[i]}: &${names[i]} [${Array.from({ length: width }, () => `*${names[i - 1]}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
}
