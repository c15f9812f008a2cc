import { plan, completeState } from '@wirestate/core';
const live = completeState({"networks":{"p/net1":{"scope":"p","name":"net1","bridge":"vbr1","mtu":1500,"ips":[{"cidr":"10.9.1.1/24","dhcp":true}],"dhcpOptions":{"mtu":1500,"leaseTime":"infinite"},"active":false,"autostart":true,"owned":true}}} as any);
const desired = completeState({"networks":{"p/net1":{"scope":"p","name":"net1","bridge":"vbr1","mtu":1400,"ips":[{"cidr":"10.9.1.1/24","dhcp":true}],"dhcpOptions":{"mtu":1400,"leaseTime":"infinite"},"active":false,"autostart":false}}} as any);
try { const p = plan(desired, live); for (const s of p.steps) console.log(s.id, s.after); } catch (e) { console.log(e); }
const l2 = completeState({"links":{"p/eth0":{"scope":"p","name":"eth0","kind":"device","mac":"02:00:00:00:00:03","mtu":1400,"up":false,"owned":false},"p/eth1":{"scope":"p","name":"eth1","kind":"device","mac":"02:00:00:00:00:04","mtu":1400,"up":false,"owned":false}}} as any);
const d2 = completeState({"links":{"p/eth0":{"scope":"p","name":"eth0","kind":"device","mac":"02:00:00:00:00:04","mtu":1400,"up":false},"p/eth1":{"scope":"p","name":"eth1","kind":"device","mac":"02:00:00:00:00:03","mtu":1400,"up":false}}} as any);
try { const p = plan(d2, l2); for (const s of p.steps) console.log(s.id, s.after); } catch (e) { console.log(e.message); }
