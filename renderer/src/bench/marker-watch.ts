/**
 * Watches a byte stream, slice by slice, for an ASCII marker, including one
 * split across slices. The benchmark stops its clock on the marker, so this
 * must not miss it, and must stay cheap over 50 MB of output.
 */
export function createMarkerWatch(marker: string): (data: Uint8Array) => boolean {
  const needle = new TextEncoder().encode(marker);
  if (!needle.length) throw new RangeError('The marker is empty.');
  /** The end of the previous slice, so a marker split across slices is still found. */
  let carry = new Uint8Array(0);
  return (data) => {
    const seam = new Uint8Array(carry.length + Math.min(data.length, needle.length - 1));
    seam.set(carry);
    seam.set(data.subarray(0, seam.length - carry.length), carry.length);
    if (contains(seam, needle) || contains(data, needle)) return true;
    const tail = data.length >= needle.length - 1 ? data.subarray(data.length - needle.length + 1) : seam;
    carry = tail.slice(Math.max(0, tail.length - needle.length + 1));
    return false;
  };
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  // The marker's first byte never occurs in the benchmark's digits, so this native scan is nearly all of the cost.
  for (let i = haystack.indexOf(needle[0]!); i >= 0 && i + needle.length <= haystack.length; i = haystack.indexOf(needle[0]!, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}
