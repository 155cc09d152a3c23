package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"selfheal.dev/lab/standins/kubeapi"
)

// The target groups Prometheus's own Kubernetes discovery would build for the roles pod and endpoints, with the
// same __meta_kubernetes_* labels, so the chart's relabelling rules work unchanged.

type objectMeta struct {
	Name            string            `json:"name"`
	Namespace       string            `json:"namespace"`
	UID             string            `json:"uid"`
	Labels          map[string]string `json:"labels"`
	Annotations     map[string]string `json:"annotations"`
	OwnerReferences []struct {
		Kind       string `json:"kind"`
		Name       string `json:"name"`
		Controller bool   `json:"controller"`
	} `json:"ownerReferences"`
}

type container struct {
	Name  string `json:"name"`
	Image string `json:"image"`
	Ports []struct {
		Name          string `json:"name"`
		ContainerPort int    `json:"containerPort"`
		Protocol      string `json:"protocol"`
	} `json:"ports"`
}

type pod struct {
	Metadata objectMeta `json:"metadata"`
	Spec     struct {
		NodeName       string      `json:"nodeName"`
		Containers     []container `json:"containers"`
		InitContainers []container `json:"initContainers"`
	} `json:"spec"`
	Status struct {
		Phase      string `json:"phase"`
		PodIP      string `json:"podIP"`
		HostIP     string `json:"hostIP"`
		Conditions []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
		} `json:"conditions"`
	} `json:"status"`
}

type address struct {
	IP        string `json:"ip"`
	Hostname  string `json:"hostname"`
	NodeName  string `json:"nodeName"`
	TargetRef *struct {
		Kind      string `json:"kind"`
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"targetRef"`
}

type endpoints struct {
	Metadata objectMeta `json:"metadata"`
	Subsets  []struct {
		Addresses         []address `json:"addresses"`
		NotReadyAddresses []address `json:"notReadyAddresses"`
		Ports             []struct {
			Name     string `json:"name"`
			Port     int    `json:"port"`
			Protocol string `json:"protocol"`
		} `json:"ports"`
	} `json:"subsets"`
}

type service struct {
	Metadata objectMeta `json:"metadata"`
}

type group struct {
	Targets []string          `json:"targets"`
	Labels  map[string]string `json:"labels"`
}

var invalidLabelChars = regexp.MustCompile(`[^a-zA-Z0-9_]`)

func sanitize(name string) string { return invalidLabelChars.ReplaceAllString(name, "_") }

func addMap(l map[string]string, prefix string, m map[string]string) {
	for k, v := range m {
		l[prefix+"_"+sanitize(k)] = v
		l[prefix+"present_"+sanitize(k)] = "true"
	}
}

// podLabels are the labels of role pod that do not depend on the container.
func podLabels(p pod) map[string]string {
	l := map[string]string{
		"__meta_kubernetes_namespace":     p.Metadata.Namespace,
		"__meta_kubernetes_pod_name":      p.Metadata.Name,
		"__meta_kubernetes_pod_ip":        p.Status.PodIP,
		"__meta_kubernetes_pod_ready":     "unknown",
		"__meta_kubernetes_pod_phase":     p.Status.Phase,
		"__meta_kubernetes_pod_node_name": p.Spec.NodeName,
		"__meta_kubernetes_pod_host_ip":   p.Status.HostIP,
		"__meta_kubernetes_pod_uid":       p.Metadata.UID,
	}
	for _, c := range p.Status.Conditions {
		if c.Type == "Ready" {
			l["__meta_kubernetes_pod_ready"] = strings.ToLower(c.Status)
		}
	}
	for _, o := range p.Metadata.OwnerReferences {
		if o.Controller {
			l["__meta_kubernetes_pod_controller_kind"] = o.Kind
			l["__meta_kubernetes_pod_controller_name"] = o.Name
		}
	}
	addMap(l, "__meta_kubernetes_pod_label", p.Metadata.Labels)
	addMap(l, "__meta_kubernetes_pod_annotation", p.Metadata.Annotations)
	return l
}

func copyLabels(l map[string]string) map[string]string {
	c := make(map[string]string, len(l)+6)
	for k, v := range l {
		c[k] = v
	}
	return c
}

// podGroups: one target per container port (the pod's IP alone for a container without ports).
func podGroups(pods []pod) []group {
	var out []group
	for _, p := range pods {
		if p.Status.PodIP == "" {
			continue
		}
		base := podLabels(p)
		add := func(cs []container, init bool) {
			for _, c := range cs {
				l := copyLabels(base)
				l["__meta_kubernetes_pod_container_name"] = c.Name
				l["__meta_kubernetes_pod_container_image"] = c.Image
				l["__meta_kubernetes_pod_container_init"] = strconv.FormatBool(init)
				if len(c.Ports) == 0 {
					out = append(out, group{Targets: []string{p.Status.PodIP}, Labels: l})
					continue
				}
				for _, port := range c.Ports {
					pl := copyLabels(l)
					pl["__meta_kubernetes_pod_container_port_name"] = port.Name
					pl["__meta_kubernetes_pod_container_port_number"] = strconv.Itoa(port.ContainerPort)
					pl["__meta_kubernetes_pod_container_port_protocol"] = port.Protocol
					out = append(out, group{Targets: []string{net.JoinHostPort(p.Status.PodIP, strconv.Itoa(port.ContainerPort))}, Labels: pl})
				}
			}
		}
		add(p.Spec.Containers, false)
		add(p.Spec.InitContainers, true)
	}
	return out
}

// endpointsGroups: one target per address and port, with the Service's and the target pod's labels.
func endpointsGroups(eps []endpoints, svcs []service, pods []pod) []group {
	svcByName, podByName := map[string]service{}, map[string]pod{}
	for _, s := range svcs {
		svcByName[s.Metadata.Namespace+"/"+s.Metadata.Name] = s
	}
	for _, p := range pods {
		podByName[p.Metadata.Namespace+"/"+p.Metadata.Name] = p
	}
	var out []group
	for _, e := range eps {
		base := map[string]string{
			"__meta_kubernetes_namespace":      e.Metadata.Namespace,
			"__meta_kubernetes_endpoints_name": e.Metadata.Name,
		}
		addMap(base, "__meta_kubernetes_endpoints_label", e.Metadata.Labels)
		if s, ok := svcByName[e.Metadata.Namespace+"/"+e.Metadata.Name]; ok {
			base["__meta_kubernetes_service_name"] = s.Metadata.Name
			addMap(base, "__meta_kubernetes_service_label", s.Metadata.Labels)
			addMap(base, "__meta_kubernetes_service_annotation", s.Metadata.Annotations)
		}
		for _, sub := range e.Subsets {
			for _, port := range sub.Ports {
				for ready, list := range map[string][]address{"true": sub.Addresses, "false": sub.NotReadyAddresses} {
					for _, a := range list {
						l := copyLabels(base)
						l["__meta_kubernetes_endpoint_port_name"] = port.Name
						l["__meta_kubernetes_endpoint_port_protocol"] = port.Protocol
						l["__meta_kubernetes_endpoint_ready"] = ready
						if a.Hostname != "" {
							l["__meta_kubernetes_endpoint_hostname"] = a.Hostname
						}
						if a.NodeName != "" {
							l["__meta_kubernetes_endpoint_node_name"] = a.NodeName
						}
						if a.TargetRef != nil {
							l["__meta_kubernetes_endpoint_address_target_kind"] = a.TargetRef.Kind
							l["__meta_kubernetes_endpoint_address_target_name"] = a.TargetRef.Name
							if p, ok := podByName[a.TargetRef.Namespace+"/"+a.TargetRef.Name]; a.TargetRef.Kind == "Pod" && ok {
								for k, v := range podLabels(p) {
									if _, set := l[k]; !set {
										l[k] = v
									}
								}
								addContainerPort(l, p, port.Port)
							}
						}
						out = append(out, group{Targets: []string{net.JoinHostPort(a.IP, strconv.Itoa(port.Port))}, Labels: l})
					}
				}
			}
		}
	}
	return out
}

func addContainerPort(l map[string]string, p pod, number int) {
	for _, c := range p.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.ContainerPort == number {
				l["__meta_kubernetes_pod_container_name"] = c.Name
				l["__meta_kubernetes_pod_container_port_name"] = cp.Name
				l["__meta_kubernetes_pod_container_port_number"] = strconv.Itoa(cp.ContainerPort)
				l["__meta_kubernetes_pod_container_port_protocol"] = cp.Protocol
				return
			}
		}
	}
}

// listAll lists one resource in each of the namespaces (every namespace when none is given).
func listAll(ctx context.Context, c *kubeapi.Client, resource string, namespaces []string, each func([]byte) error) error {
	paths := []string{"/api/v1/" + resource}
	if len(namespaces) > 0 {
		paths = nil
		for _, ns := range namespaces {
			paths = append(paths, fmt.Sprintf("/api/v1/namespaces/%s/%s", ns, resource))
		}
	}
	for _, p := range paths {
		var raw struct {
			Items json.RawMessage `json:"items"`
		}
		if err := c.List(ctx, p, &raw); err != nil {
			return err
		}
		if err := each(raw.Items); err != nil {
			return err
		}
	}
	return nil
}

func collect[T any](ctx context.Context, c *kubeapi.Client, resource string, namespaces []string) ([]T, error) {
	var all []T
	err := listAll(ctx, c, resource, namespaces, func(b []byte) error {
		var items []T
		if len(b) == 0 || string(b) == "null" {
			return nil
		}
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
		all = append(all, items...)
		return nil
	})
	return all, err
}

// refresh lists what d needs and writes its file when the target groups changed.
func refresh(ctx context.Context, c *kubeapi.Client, d discovery) error {
	var groups []group
	switch d.role {
	case "pod":
		pods, err := collect[pod](ctx, c, "pods", d.namespaces)
		if err != nil {
			return err
		}
		groups = podGroups(pods)
	case "endpoints":
		eps, err := collect[endpoints](ctx, c, "endpoints", d.namespaces)
		if err != nil {
			return err
		}
		svcs, err := collect[service](ctx, c, "services", d.namespaces)
		if err != nil {
			return err
		}
		pods, err := collect[pod](ctx, c, "pods", d.namespaces)
		if err != nil {
			return err
		}
		groups = endpointsGroups(eps, svcs, pods)
	default:
		return fmt.Errorf("role %q is not supported by this stand-in (pod and endpoints are); %s stays empty", d.role, d.file)
	}
	sort.Slice(groups, func(i, j int) bool {
		return groups[i].Targets[0]+fmt.Sprint(groups[i].Labels) < groups[j].Targets[0]+fmt.Sprint(groups[j].Labels)
	})
	if groups == nil {
		groups = []group{}
	}
	data, err := json.MarshalIndent(groups, "", " ")
	if err != nil {
		return err
	}
	return writeIfChanged(d.file, data)
}

// writeIfChanged replaces path atomically (a rename, which Prometheus's file watcher sees) when content differs.
func writeIfChanged(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
