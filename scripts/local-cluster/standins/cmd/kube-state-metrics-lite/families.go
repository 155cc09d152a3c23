package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"selfheal.dev/lab/standins/kubeapi"
)

type containerStatus struct {
	Name         string `json:"name"`
	Ready        bool   `json:"ready"`
	RestartCount int    `json:"restartCount"`
	State        struct {
		Waiting *struct {
			Reason string `json:"reason"`
		} `json:"waiting"`
		Running    *struct{} `json:"running"`
		Terminated *struct {
			Reason string `json:"reason"`
		} `json:"terminated"`
	} `json:"state"`
	LastState struct {
		Terminated *struct {
			Reason string `json:"reason"`
		} `json:"terminated"`
	} `json:"lastState"`
}

type pod struct {
	Metadata kubeapi.Meta `json:"metadata"`
	Spec     struct {
		NodeName string `json:"nodeName"`
	} `json:"spec"`
	Status struct {
		Phase      string `json:"phase"`
		PodIP      string `json:"podIP"`
		Conditions []struct {
			Type   string `json:"type"`
			Status string `json:"status"`
		} `json:"conditions"`
		ContainerStatuses []containerStatus `json:"containerStatuses"`
	} `json:"status"`
}

type deployment struct {
	Metadata kubeapi.Meta `json:"metadata"`
	Spec     struct {
		Replicas *int `json:"replicas"`
	} `json:"spec"`
	Status struct {
		Replicas            int `json:"replicas"`
		ReadyReplicas       int `json:"readyReplicas"`
		AvailableReplicas   int `json:"availableReplicas"`
		UnavailableReplicas int `json:"unavailableReplicas"`
		UpdatedReplicas     int `json:"updatedReplicas"`
	} `json:"status"`
}

// family collects the samples of one metric family, so each is written once with its HELP and TYPE.
type family struct {
	name, help, kind string
	lines            []string
}

func (f *family) add(value float64, labels ...string) {
	var b strings.Builder
	b.WriteString(f.name)
	b.WriteByte('{')
	for i := 0; i+1 < len(labels); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=\"%s\"", labels[i], escape(labels[i+1]))
	}
	fmt.Fprintf(&b, "} %g", value)
	f.lines = append(f.lines, b.String())
}

func escape(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func write(ctx context.Context, c *kubeapi.Client, w io.Writer) error {
	var pods struct{ Items []pod }
	if err := c.List(ctx, "/api/v1/pods", &pods); err != nil {
		return err
	}
	var deps struct{ Items []deployment }
	if err := c.List(ctx, "/apis/apps/v1/deployments", &deps); err != nil {
		return err
	}
	fams := podFamilies(pods.Items)
	fams = append(fams, deploymentFamilies(deps.Items)...)
	for _, f := range fams {
		sort.Strings(f.lines)
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", f.name, f.help, f.name, f.kind)
		for _, l := range f.lines {
			fmt.Fprintln(w, l)
		}
	}
	return nil
}

func podFamilies(pods []pod) []*family {
	info := &family{name: "kube_pod_info", help: "Information about pod.", kind: "gauge"}
	phase := &family{name: "kube_pod_status_phase", help: "The pods current phase.", kind: "gauge"}
	ready := &family{name: "kube_pod_status_ready", help: "Describes whether the pod is ready to serve requests.", kind: "gauge"}
	cReady := &family{name: "kube_pod_container_status_ready", help: "Describes whether the containers readiness check succeeded.", kind: "gauge"}
	running := &family{name: "kube_pod_container_status_running", help: "Describes whether the container is currently in running state.", kind: "gauge"}
	waiting := &family{name: "kube_pod_container_status_waiting", help: "Describes whether the container is currently in waiting state.", kind: "gauge"}
	reason := &family{name: "kube_pod_container_status_waiting_reason", help: "Describes the reason the container is currently in waiting state.", kind: "gauge"}
	lastTerm := &family{name: "kube_pod_container_status_last_terminated_reason", help: "Describes the last reason the container was in terminated state.", kind: "gauge"}
	restarts := &family{name: "kube_pod_container_status_restarts_total", help: "The number of container restarts per container.", kind: "counter"}
	for _, p := range pods {
		m := p.Metadata
		id := []string{"namespace", m.Namespace, "pod", m.Name, "uid", m.UID}
		info.add(1, append(id, "pod_ip", p.Status.PodIP, "node", p.Spec.NodeName)...)
		for _, ph := range []string{"Pending", "Succeeded", "Failed", "Unknown", "Running"} {
			phase.add(boolValue(p.Status.Phase == ph), append(id, "phase", ph)...)
		}
		for _, c := range p.Status.Conditions {
			if c.Type != "Ready" {
				continue
			}
			for _, s := range []string{"true", "false", "unknown"} {
				ready.add(boolValue(strings.EqualFold(c.Status, s)), append(id, "condition", s)...)
			}
		}
		for _, cs := range p.Status.ContainerStatuses {
			cid := append(append([]string(nil), id...), "container", cs.Name)
			cReady.add(boolValue(cs.Ready), cid...)
			running.add(boolValue(cs.State.Running != nil), cid...)
			waiting.add(boolValue(cs.State.Waiting != nil), cid...)
			if cs.State.Waiting != nil && cs.State.Waiting.Reason != "" {
				reason.add(1, append(cid, "reason", cs.State.Waiting.Reason)...)
			}
			if t := cs.LastState.Terminated; t != nil && t.Reason != "" {
				lastTerm.add(1, append(cid, "reason", t.Reason)...)
			}
			restarts.add(float64(cs.RestartCount), cid...)
		}
	}
	return []*family{info, phase, ready, cReady, running, waiting, reason, lastTerm, restarts}
}

func deploymentFamilies(deps []deployment) []*family {
	spec := &family{name: "kube_deployment_spec_replicas", help: "Number of desired pods for a deployment.", kind: "gauge"}
	repl := &family{name: "kube_deployment_status_replicas", help: "The number of replicas per deployment.", kind: "gauge"}
	readyF := &family{name: "kube_deployment_status_replicas_ready", help: "The number of ready replicas per deployment.", kind: "gauge"}
	avail := &family{name: "kube_deployment_status_replicas_available", help: "The number of available replicas per deployment.", kind: "gauge"}
	unavail := &family{name: "kube_deployment_status_replicas_unavailable", help: "The number of unavailable replicas per deployment.", kind: "gauge"}
	updated := &family{name: "kube_deployment_status_replicas_updated", help: "The number of updated replicas per deployment.", kind: "gauge"}
	for _, d := range deps {
		id := []string{"namespace", d.Metadata.Namespace, "deployment", d.Metadata.Name}
		want := 1
		if d.Spec.Replicas != nil {
			want = *d.Spec.Replicas
		}
		spec.add(float64(want), id...)
		repl.add(float64(d.Status.Replicas), id...)
		readyF.add(float64(d.Status.ReadyReplicas), id...)
		avail.add(float64(d.Status.AvailableReplicas), id...)
		unavail.add(float64(d.Status.UnavailableReplicas), id...)
		updated.add(float64(d.Status.UpdatedReplicas), id...)
	}
	return []*family{spec, repl, readyF, avail, unavail, updated}
}
