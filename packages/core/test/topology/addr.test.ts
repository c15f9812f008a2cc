import test from 'ava';
import { cidrContains, contains, familyOf, ipIdentity, ipv4PrefixLength, normalizeCidr, normalizeRouteDst, parseCidr, parseIp } from '../../src/topology/addr.ts';

test('IPv4 addresses parse only in the strict dotted-quad form', (t) => {
  for (const ok of ['0.0.0.0', '10.244.0.5', '255.255.255.255', '192.168.1.10']) t.not(parseIp(ok), undefined, ok);
  for (const bad of ['010.0.0.1', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.', '.1.2.3', '1..2.3', ' 1.2.3.4', '1.2.3.4 ', '0x0a.0.0.1', '1.2.3.-4', '', '1.2.3.00']) {
    t.is(parseIp(bad), undefined, bad);
  }
  t.deepEqual(parseIp('192.168.1.10'), { family: 4, bytes: [192, 168, 1, 10], text: '192.168.1.10' });
});

test('prefix lengths are decimal without leading zeros and within the family', (t) => {
  t.deepEqual(parseCidr('10.0.0.5/24'), { ip: { family: 4, bytes: [10, 0, 0, 5], text: '10.0.0.5' }, prefix: 24 });
  t.is(parseCidr('0.0.0.0/0')?.prefix, 0);
  for (const bad of ['10.0.0.5/33', '10.0.0.5/024', '10.0.0.5/', '10.0.0.5', '10.0.0.5/2a', '10.0.0.5/1000', 'fe80::1/129']) t.is(parseCidr(bad), undefined, bad);
  t.is(parseCidr('fe80::1/128')?.prefix, 128);
  t.is(ipv4PrefixLength('10.0.0.0/8'), 8);
  t.is(ipv4PrefixLength('fe80::/64'), -1);
  t.is(ipv4PrefixLength('10.0.0.0/33'), -1);
});

test('canonical text keeps valid IPv4 as written and rewrites IPv6 per RFC 5952', (t) => {
  const v4 = '10.1.2.3/16';
  t.is(normalizeCidr(v4), v4);
  t.is(normalizeCidr('2001:DB8:0:0::1/64'), '2001:db8::1/64');
  t.is(normalizeRouteDst('0.0.0.0/0'), 'default');
  t.is(normalizeRouteDst('::/0'), 'default6');
  t.is(normalizeRouteDst('172.16.0.0/12'), '172.16.0.0/12');
  t.is(normalizeRouteDst('2001:db8:0::/48'), '2001:db8::/48');
});

test('an address identity is the same for every spelling of one address and differs between addresses', (t) => {
  t.is(ipIdentity('10.0.0.1/24', 0, 8), ipIdentity('10.0.0.1', 0, 8));
  t.not(ipIdentity('10.0.0.1', 0, 8), ipIdentity('10.0.0.2', 0, 8));
  t.is(ipIdentity('2001:db8::1', 0, 11), ipIdentity('2001:DB8:0::1', 0, 13));
  t.is(ipIdentity('255.255.255.255', 0, 15), 0xffffffff);
  t.is(ipIdentity('not-an-ip', 0, 9), 'not-an-ip');
});

test('prefix containment from text agrees with the parsed form at every prefix length', (t) => {
  t.true(cidrContains('10.244.0.5/24', '10.244.0.1'));
  t.false(cidrContains('10.244.0.5/24', '10.244.1.1'));
  t.true(cidrContains('0.0.0.0/0', '255.255.255.255'));
  t.true(cidrContains('192.168.1.10/32', '192.168.1.10'));
  t.false(cidrContains('192.168.1.10/32', '192.168.1.11'));
  t.true(cidrContains('2001:db8::1/64', '2001:db8::ffff'));
  t.false(cidrContains('10.0.0.0/8', '2001:db8::1'));
  t.false(cidrContains('bogus', '10.0.0.1'));
  for (let prefix = 0; prefix <= 32; prefix++) {
    for (const ip of ['200.100.50.25', '200.100.50.24', '201.100.50.25', '72.100.50.25', '200.100.51.25']) {
      const c = parseCidr(`200.100.50.25/${prefix}`)!;
      t.is(cidrContains(`200.100.50.25/${prefix}`, ip), contains(c, parseIp(ip)!), `${ip} in /${prefix}`);
    }
  }
});

test('the family of an address is known without parsing IPv4 into an object', (t) => {
  t.is(familyOf('10.0.0.1'), 4);
  t.is(familyOf('fe80::1'), 6);
  t.is(familyOf('10.0.0.256'), undefined);
});
