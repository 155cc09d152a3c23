package main

import (
	"encoding/binary"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// The cluster's records, built from one listing of Services and Endpoints, in the layout of the Kubernetes DNS
// specification: <svc>.<ns>.svc.<domain> (the ClusterIP, or the ready endpoints of a headless Service),
// <hostname>.<svc>.<ns>.svc.<domain>, _<port>._<proto>.<svc>.<ns>.svc.<domain> (SRV), <a-b-c-d>.<ns>.pod.<domain>,
// and PTR records in in-addr.arpa for every address above.

type service struct {
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Spec struct {
		Type      string `json:"type"`
		ClusterIP string `json:"clusterIP"`
		Ports     []struct {
			Name     string `json:"name"`
			Protocol string `json:"protocol"`
			Port     int    `json:"port"`
		} `json:"ports"`
	} `json:"spec"`
}

type endpoints struct {
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Subsets []struct {
		Addresses []struct {
			IP       string `json:"ip"`
			Hostname string `json:"hostname"`
		} `json:"addresses"`
	} `json:"subsets"`
}

type zone struct {
	domain string
	ttl    uint32
	names  map[string][]rr
}

func newZone(domain string, ttl uint32, svcs []service, eps []endpoints) *zone {
	z := &zone{domain: domain, ttl: ttl, names: map[string][]rr{}}
	byName := map[string]endpoints{}
	for _, e := range eps {
		byName[e.Metadata.Namespace+"/"+e.Metadata.Name] = e
	}
	for _, s := range svcs {
		fqdn := fmt.Sprintf("%s.%s.svc.%s", s.Metadata.Name, s.Metadata.Namespace, domain)
		switch {
		case s.Spec.Type == "ExternalName":
			continue // would need a CNAME to a name outside the cluster, which this server cannot resolve
		case s.Spec.ClusterIP != "" && s.Spec.ClusterIP != "None":
			z.addA(fqdn, s.Spec.ClusterIP, fqdn)
		default: // headless: every ready address
			for _, sub := range byName[s.Metadata.Namespace+"/"+s.Metadata.Name].Subsets {
				for _, a := range sub.Addresses {
					host := a.Hostname
					if host == "" {
						host = strings.ReplaceAll(a.IP, ".", "-")
					}
					z.addA(fqdn, a.IP, host+"."+fqdn)
					z.addA(host+"."+fqdn, a.IP, "")
				}
			}
		}
		for _, p := range s.Spec.Ports {
			if p.Name == "" {
				continue
			}
			srv := fmt.Sprintf("_%s._%s.%s", strings.ToLower(p.Name), strings.ToLower(p.Protocol), fqdn)
			data := make([]byte, 6)
			binary.BigEndian.PutUint16(data[4:6], uint16(p.Port)) // priority 0, weight 0
			z.names[srv] = append(z.names[srv], rr{name: srv, rrtype: typeSRV, ttl: ttl, data: data, target: fqdn})
		}
	}
	return z
}

// addA adds an A record for name and, when ptrTarget is set, the PTR record of the address.
func (z *zone) addA(name, ip, ptrTarget string) {
	v4 := net.ParseIP(ip).To4()
	if v4 == nil {
		return
	}
	z.names[name] = append(z.names[name], rr{name: name, rrtype: typeA, ttl: z.ttl, data: []byte(v4)})
	if ptrTarget != "" {
		rev := fmt.Sprintf("%d.%d.%d.%d.in-addr.arpa", v4[3], v4[2], v4[1], v4[0])
		z.names[rev] = append(z.names[rev], rr{name: rev, rrtype: typePTR, ttl: z.ttl, target: ptrTarget})
	}
}

func (z *zone) soa(apex string) rr {
	var data []byte
	data = appendName(data, "ns.dns."+z.domain)
	data = appendName(data, "hostmaster."+z.domain)
	for _, v := range []uint32{1, 7200, 1800, 86400, z.ttl} { // serial, refresh, retry, expire, negative TTL
		data = binary.BigEndian.AppendUint32(data, v)
	}
	return rr{name: apex, rrtype: typeSOA, ttl: z.ttl, data: data}
}

// lookup answers one question: rcode, answers, authority section, and whether this server is authoritative.
func (z *zone) lookup(q question) (int, []rr, []rr, bool) {
	var apex string
	switch {
	case q.name == z.domain || strings.HasSuffix(q.name, "."+z.domain):
		apex = z.domain
	case q.name == "in-addr.arpa" || strings.HasSuffix(q.name, ".in-addr.arpa"):
		apex = "in-addr.arpa"
	default:
		return rcodeRefused, nil, nil, false // no upstream: only the cluster's names are answered
	}
	if q.class != classIN {
		return rcodeRefused, nil, nil, false
	}
	if q.qtype == typeSOA && q.name == apex {
		return rcodeOK, []rr{z.soa(apex)}, nil, true
	}
	records, exists := z.names[q.name]
	if !exists {
		if ip := podIP(q.name, z.domain); ip != "" {
			records, exists = []rr{{name: q.name, rrtype: typeA, ttl: z.ttl, data: []byte(net.ParseIP(ip).To4())}}, true
		}
	}
	if !exists {
		exists = q.name == apex || z.emptyNonTerminal(q.name)
		if !exists {
			return rcodeNXDomain, nil, []rr{z.soa(apex)}, true
		}
	}
	var answers []rr
	for _, r := range records {
		if q.qtype == typeANY || r.rrtype == q.qtype {
			answers = append(answers, r)
		}
	}
	if len(answers) == 0 {
		return rcodeOK, nil, []rr{z.soa(apex)}, true // the name exists, without a record of that type
	}
	return rcodeOK, answers, nil, true
}

// emptyNonTerminal tells whether name is a parent of some record (e.g. svc.cluster.local, or a namespace).
func (z *zone) emptyNonTerminal(name string) bool {
	suffix := "." + name
	for n := range z.names {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	return false
}

// podIP reads a-b-c-d.<ns>.pod.<domain> (any namespace, as CoreDNS's "pods insecure" does).
func podIP(name, domain string) string {
	rest := strings.TrimSuffix(name, ".pod."+domain)
	if rest == name {
		return ""
	}
	labels := strings.Split(rest, ".")
	if len(labels) != 2 {
		return ""
	}
	parts := strings.Split(labels[0], "-")
	if len(parts) != 4 {
		return ""
	}
	for _, p := range parts {
		if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 255 || strconv.Itoa(n) != p {
			return ""
		}
	}
	return strings.Join(parts, ".")
}
