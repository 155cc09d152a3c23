package main

import (
	"encoding/binary"
	"encoding/json"
	"net"
	"testing"
)

func testZone(t *testing.T) *zone {
	t.Helper()
	var svcs []service
	var eps []endpoints
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(json.Unmarshal([]byte(`[
	 {"metadata":{"name":"redis","namespace":"lab"},"spec":{"type":"ClusterIP","clusterIP":"10.96.3.4","ports":[{"name":"redis","protocol":"TCP","port":6379}]}},
	 {"metadata":{"name":"db","namespace":"lab"},"spec":{"type":"ClusterIP","clusterIP":"None"}},
	 {"metadata":{"name":"ext","namespace":"lab"},"spec":{"type":"ExternalName"}}]`), &svcs))
	must(json.Unmarshal([]byte(`[{"metadata":{"name":"db","namespace":"lab"},
	 "subsets":[{"addresses":[{"ip":"10.244.0.7","hostname":"db-0"},{"ip":"10.244.0.8"}]}]}]`), &eps))
	return newZone("cluster.local", 5, svcs, eps)
}

func TestClusterIPServiceResolvesToItsClusterIP(t *testing.T) {
	rcode, answers, _, aa := testZone(t).lookup(question{"redis.lab.svc.cluster.local", typeA, classIN})
	if rcode != rcodeOK || !aa || len(answers) != 1 || net.IP(answers[0].data).String() != "10.96.3.4" {
		t.Fatalf("rcode %d aa %v answers %+v", rcode, aa, answers)
	}
}

func TestHeadlessServiceResolvesToEveryAddressAndEachHostname(t *testing.T) {
	z := testZone(t)
	_, answers, _, _ := z.lookup(question{"db.lab.svc.cluster.local", typeA, classIN})
	if len(answers) != 2 {
		t.Fatalf("want 2 addresses, got %+v", answers)
	}
	_, answers, _, _ = z.lookup(question{"db-0.db.lab.svc.cluster.local", typeA, classIN})
	if len(answers) != 1 || net.IP(answers[0].data).String() != "10.244.0.7" {
		t.Fatalf("hostname record: %+v", answers)
	}
}

func TestUnknownClusterNameIsNXDomainWithSOAAndOutsideNameIsRefused(t *testing.T) {
	z := testZone(t)
	rcode, _, auth, _ := z.lookup(question{"nope.lab.svc.cluster.local", typeA, classIN})
	if rcode != rcodeNXDomain || len(auth) != 1 || auth[0].rrtype != typeSOA {
		t.Fatalf("rcode %d authority %+v", rcode, auth)
	}
	if rcode, _, _, _ := z.lookup(question{"ext.lab.svc.cluster.local", typeA, classIN}); rcode != rcodeNXDomain {
		t.Fatalf("ExternalName service answered %d", rcode)
	}
	if rcode, _, _, aa := z.lookup(question{"example.com", typeA, classIN}); rcode != rcodeRefused || aa {
		t.Fatalf("outside name answered %d (aa %v)", rcode, aa)
	}
}

func TestExistingNameWithoutThatTypeIsNoData(t *testing.T) {
	z := testZone(t)
	for _, name := range []string{"redis.lab.svc.cluster.local", "lab.svc.cluster.local"} {
		rcode, answers, auth, _ := z.lookup(question{name, typeAAAA, classIN})
		if rcode != rcodeOK || len(answers) != 0 || len(auth) != 1 {
			t.Fatalf("%s: rcode %d answers %d authority %d", name, rcode, len(answers), len(auth))
		}
	}
}

func TestPTRSRVAndPodRecords(t *testing.T) {
	z := testZone(t)
	_, answers, _, _ := z.lookup(question{"4.3.96.10.in-addr.arpa", typePTR, classIN})
	if len(answers) != 1 || answers[0].target != "redis.lab.svc.cluster.local" {
		t.Fatalf("PTR: %+v", answers)
	}
	_, answers, _, _ = z.lookup(question{"_redis._tcp.redis.lab.svc.cluster.local", typeSRV, classIN})
	if len(answers) != 1 || binary.BigEndian.Uint16(answers[0].data[4:6]) != 6379 {
		t.Fatalf("SRV: %+v", answers)
	}
	_, answers, _, _ = z.lookup(question{"10-244-0-9.lab.pod.cluster.local", typeA, classIN})
	if len(answers) != 1 || net.IP(answers[0].data).String() != "10.244.0.9" {
		t.Fatalf("pod record: %+v", answers)
	}
	if ip := podIP("10-244-0-09.lab.pod.cluster.local", "cluster.local"); ip != "" {
		t.Fatalf("a non-canonical octet was accepted: %s", ip)
	}
}

func TestWireRoundTripAndTruncation(t *testing.T) {
	msg := []byte{0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}
	msg = appendName(msg, "Redis.Lab.svc.cluster.local")
	msg = binary.BigEndian.AppendUint16(msg, typeA)
	msg = binary.BigEndian.AppendUint16(msg, classIN)
	q, err := parseQuery(msg)
	if err != nil || q.q.name != "redis.lab.svc.cluster.local" || q.id != 0x1234 {
		t.Fatalf("parse: %+v %v", q, err)
	}
	rcode, answers, auth, aa := testZone(t).lookup(q.q)
	resp := buildResponse(q, rcode, aa, answers, auth, 512)
	if resp[2]&0x80 == 0 || resp[2]&0x04 == 0 || resp[2]&0x01 == 0 || binary.BigEndian.Uint16(resp[6:8]) != 1 {
		t.Fatalf("header % x", resp[:12])
	}
	if got := net.IP(resp[len(resp)-4:]).String(); got != "10.96.3.4" {
		t.Fatalf("answer address %s", got)
	}
	small := buildResponse(q, rcode, aa, answers, auth, 40)
	if small[2]&0x02 == 0 || binary.BigEndian.Uint16(small[6:8]) != 0 {
		t.Fatalf("not truncated: % x", small[:12])
	}
	if _, err := parseQuery(msg[:20]); err == nil {
		t.Fatal("a cut message was parsed")
	}
}
