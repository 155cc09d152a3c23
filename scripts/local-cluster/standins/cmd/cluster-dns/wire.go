package main

import (
	"encoding/binary"
	"errors"
	"strings"
)

// DNS wire format (RFC 1035), just what an authoritative-only server for one zone needs.

const (
	typeA    = 1
	typeNS   = 2
	typeSOA  = 6
	typePTR  = 12
	typeAAAA = 28
	typeSRV  = 33
	typeANY  = 255
	classIN  = 1

	rcodeOK       = 0
	rcodeFormErr  = 1
	rcodeNXDomain = 3
	rcodeNotImp   = 4
	rcodeRefused  = 5
)

var errShort = errors.New("message too short")

type question struct {
	name  string // lower case, no trailing dot
	qtype uint16
	class uint16
}

type query struct {
	id     uint16
	flags  uint16 // as received
	q      question
	hasOpt bool
}

// rr is one answer record; data is its RDATA already encoded, except for names, which encodeRR writes.
type rr struct {
	name   string
	rrtype uint16
	ttl    uint32
	data   []byte
	target string // PTR/SRV/NS target name, appended after data
}

func parseQuery(msg []byte) (query, error) {
	if len(msg) < 12 {
		return query{}, errShort
	}
	q := query{id: binary.BigEndian.Uint16(msg[0:2]), flags: binary.BigEndian.Uint16(msg[2:4])}
	if binary.BigEndian.Uint16(msg[4:6]) != 1 {
		return q, errors.New("exactly one question expected")
	}
	name, off, err := readName(msg, 12)
	if err != nil {
		return q, err
	}
	if off+4 > len(msg) {
		return q, errShort
	}
	q.q = question{name: name, qtype: binary.BigEndian.Uint16(msg[off : off+2]), class: binary.BigEndian.Uint16(msg[off+2 : off+4])}
	q.hasOpt = binary.BigEndian.Uint16(msg[10:12]) > 0
	return q, nil
}

// readName reads an uncompressed or compressed name starting at off; returns it and the offset after it.
func readName(msg []byte, off int) (string, int, error) {
	var labels []string
	end, jumps := -1, 0
	for {
		if off >= len(msg) {
			return "", 0, errShort
		}
		l := int(msg[off])
		switch {
		case l == 0:
			if end < 0 {
				end = off + 1
			}
			return strings.ToLower(strings.Join(labels, ".")), end, nil
		case l&0xC0 == 0xC0:
			if off+1 >= len(msg) || jumps > 10 {
				return "", 0, errors.New("bad compression pointer")
			}
			if end < 0 {
				end = off + 2
			}
			off = int(binary.BigEndian.Uint16(msg[off:off+2]) & 0x3FFF)
			jumps++
		case l > 63:
			return "", 0, errors.New("bad label length")
		default:
			if off+1+l > len(msg) {
				return "", 0, errShort
			}
			labels = append(labels, string(msg[off+1:off+1+l]))
			off += 1 + l
		}
	}
}

func appendName(b []byte, name string) []byte {
	if name != "" {
		for _, l := range strings.Split(name, ".") {
			b = append(b, byte(len(l)))
			b = append(b, l...)
		}
	}
	return append(b, 0)
}

func appendRR(b []byte, r rr) []byte {
	b = appendName(b, r.name)
	b = binary.BigEndian.AppendUint16(b, r.rrtype)
	b = binary.BigEndian.AppendUint16(b, classIN)
	b = binary.BigEndian.AppendUint32(b, r.ttl)
	rdata := append([]byte(nil), r.data...)
	if r.target != "" || r.rrtype == typePTR || r.rrtype == typeSRV || r.rrtype == typeNS {
		rdata = appendName(rdata, r.target)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(len(rdata)))
	return append(b, rdata...)
}

// buildResponse writes the answer to q. When it would exceed limit bytes (UDP), the records are left out and TC is
// set, so the client asks again over TCP.
func buildResponse(q query, rcode int, authoritative bool, answers, authority []rr, limit int) []byte {
	b := encode(q, rcode, authoritative, answers, authority, false)
	if len(b) > limit {
		b = encode(q, rcode, authoritative, nil, nil, true)
	}
	return b
}

func encode(q query, rcode int, authoritative bool, answers, authority []rr, truncated bool) []byte {
	b := make([]byte, 12, 512)
	binary.BigEndian.PutUint16(b[0:2], q.id)
	flags := uint16(0x8000) | (q.flags & 0x7900) | uint16(rcode&0xF) // QR, copied opcode and RD
	if authoritative {
		flags |= 0x0400
	}
	if truncated {
		flags |= 0x0200
	}
	binary.BigEndian.PutUint16(b[2:4], flags)
	binary.BigEndian.PutUint16(b[4:6], 1)
	binary.BigEndian.PutUint16(b[6:8], uint16(len(answers)))
	binary.BigEndian.PutUint16(b[8:10], uint16(len(authority)))
	b = appendName(b, q.q.name)
	b = binary.BigEndian.AppendUint16(b, q.q.qtype)
	b = binary.BigEndian.AppendUint16(b, q.q.class)
	for _, r := range answers {
		b = appendRR(b, r)
	}
	for _, r := range authority {
		b = appendRR(b, r)
	}
	return b
}

// errorResponse answers a message that could not be served (bad format, unsupported opcode).
func errorResponse(msg []byte, rcode int) []byte {
	if len(msg) < 12 {
		return nil
	}
	b := make([]byte, 12)
	copy(b[0:2], msg[0:2])
	flags := uint16(0x8000) | (binary.BigEndian.Uint16(msg[2:4]) & 0x7900) | uint16(rcode&0xF)
	binary.BigEndian.PutUint16(b[2:4], flags)
	return b
}
