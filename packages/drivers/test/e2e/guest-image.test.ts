/** The pure parts of the end-to-end guest image: cpio newc archives, module dependencies, the console lease line. */
import test from 'ava';
import { cpioNewc } from '../helpers/cpio.ts';
import { moduleDepends, parseGuestLease } from '../helpers/vm.ts';

/** Reads a newc archive back: names, modes, sizes, device numbers. */
function readNewc(buf: Buffer): { name: string; mode: number; data: string; rdev: [number, number] }[] {
  const out: { name: string; mode: number; data: string; rdev: [number, number] }[] = [];
  let off = 0;
  for (;;) {
    const h = buf.subarray(off, off + 110).toString('latin1');
    if (!h.startsWith('070701')) throw new Error(`bad magic at ${off}`);
    const field = (i: number): number => parseInt(h.slice(6 + i * 8, 14 + i * 8), 16);
    const [mode, size, rmaj, rmin, namesize] = [field(1), field(6), field(9), field(10), field(11)];
    const name = buf.subarray(off + 110, off + 110 + namesize - 1).toString();
    off += 110 + namesize;
    off += (4 - (off % 4)) % 4;
    const data = buf.subarray(off, off + size).toString();
    off += size;
    off += (4 - (off % 4)) % 4;
    if (name === 'TRAILER!!!') return out;
    out.push({ name, mode, data, rdev: [rmaj, rmin] });
  }
}

test('a newc archive holds directories, files, symlinks and the console device, 4-byte aligned, with a trailer', (t) => {
  const buf = cpioNewc([
    { kind: 'dir', path: 'bin' },
    { kind: 'file', path: '/init', data: '#!/bin/sh\n', mode: 0o755 },
    { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
  ]);
  t.is(buf.length % 4, 0);
  t.deepEqual(readNewc(buf), [
    { name: 'bin', mode: 0o040755, data: '', rdev: [0, 0] },
    { name: 'init', mode: 0o100755, data: '#!/bin/sh\n', rdev: [0, 0] },
    { name: 'bin/sh', mode: 0o120777, data: 'busybox', rdev: [0, 0] },
    { name: 'dev/console', mode: 0o020600, data: '', rdev: [5, 1] },
  ]);
});

test('module dependencies are read from the depends= field of .modinfo', (t) => {
  const ko = Buffer.from('\x7fELF...\0license=GPL\0depends=virtio_ring,virtio,net_failover\0retpoline=Y\0', 'latin1');
  t.deepEqual(moduleDepends(ko), ['virtio_ring', 'virtio', 'net_failover']);
  t.deepEqual(moduleDepends(Buffer.from('\0depends=\0name=failover\0', 'latin1')), []);
});

test('the lease line the guest prints is read into address, router, option 121 routes, MTU and DNS', (t) => {
  const log = [
    'udhcpc: lease of 10.244.0.5 obtained from 10.244.0.254, lease time 4294967295\r',
    'WIRESTATE-GUEST lease ip=10.244.0.5 mask=24 router=10.244.0.1 mtu=1450 dns=10.96.0.10 search=default.svc.cluster.local,svc.cluster.local domain= lease=4294967295 serverid=10.244.0.254 staticroutes=10.96.0.0/12,10.244.0.1,0.0.0.0/0,10.244.0.1 mac=2e:38:92:a3:4d:4b\r',
  ].join('\n');
  t.deepEqual(parseGuestLease(log), {
    ip: '10.244.0.5',
    prefix: 24,
    router: '10.244.0.1',
    mtu: 1450,
    dns: ['10.96.0.10'],
    search: ['default.svc.cluster.local', 'svc.cluster.local'],
    lease: 4294967295,
    serverId: '10.244.0.254',
    routes: [
      { dst: '10.96.0.0/12', gateway: '10.244.0.1' },
      { dst: '0.0.0.0/0', gateway: '10.244.0.1' },
    ],
    mac: '2e:38:92:a3:4d:4b',
  });
  t.is(parseGuestLease('udhcpc: broadcasting discover\n'), undefined);
});
