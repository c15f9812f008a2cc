/**
 * A minimal writer of the cpio "newc" format the kernel unpacks as initramfs: regular
 * files, directories, symlinks and character devices, owned by root. Written here so
 * building the guest's initramfs needs no cpio binary and no root-owned staging tree.
 */

/** One archive entry. */
export type CpioEntry =
  | { readonly kind: 'dir'; readonly path: string; readonly mode?: number }
  | { readonly kind: 'file'; readonly path: string; readonly data: Buffer | string; readonly mode?: number }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }
  | { readonly kind: 'chardev'; readonly path: string; readonly major: number; readonly minor: number; readonly mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
const pad4 = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);

function header(ino: number, mode: number, size: number, name: string, rdev: [number, number] = [0, 0]): Buffer {
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = ['070701', hex8(ino), hex8(mode), hex8(0), hex8(0), hex8(1), hex8(0), hex8(size), hex8(0), hex8(0), hex8(rdev[0]), hex8(rdev[1]), hex8(nameBytes.length), hex8(0)];
  const head = Buffer.concat([Buffer.from(fields.join('')), nameBytes]);
  return Buffer.concat([head, pad4(head.length)]);
}

/** The archive of `entries` in order (parents before children), with the trailer. */
export function cpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  let ino = 1;
  for (const e of entries) {
    const path = e.path.replace(/^\/+/, '');
    let mode: number;
    let data: Buffer = Buffer.alloc(0);
    let rdev: [number, number] = [0, 0];
    if (e.kind === 'dir') mode = S_IFDIR | (e.mode ?? 0o755);
    else if (e.kind === 'file') {
      mode = S_IFREG | (e.mode ?? 0o644);
      data = typeof e.data === 'string' ? Buffer.from(e.data) : e.data;
    } else if (e.kind === 'symlink') {
      mode = S_IFLNK | 0o777;
      data = Buffer.from(e.target);
    } else {
      mode = S_IFCHR | (e.mode ?? 0o600);
      rdev = [e.major, e.minor];
    }
    parts.push(header(ino++, mode, data.length, path, rdev), data, pad4(data.length));
  }
  parts.push(header(0, 0, 0, 'TRAILER!!!'));
  return Buffer.concat(parts);
}
