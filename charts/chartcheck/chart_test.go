// Package chartcheck validates the Helm chart without a cluster or network: the Helm SDK lints
// it (the `helm lint` checks) and renders it with several value sets, and every rendered
// object is strictly decoded into its Kubernetes API type (an unknown or misspelt field fails).
package chartcheck

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"sigs.k8s.io/yaml"
)

var chartDir = filepath.Join("..", "lienket")

var valueSets = map[string]map[string]any{
	"defaults": {},
	"no autoscaling, no policies": {
		"services":            map[string]any{"registry": map[string]any{"autoscaling": map[string]any{"enabled": false}}},
		"gateway":             map[string]any{"autoscaling": map[string]any{"enabled": false}, "service": map[string]any{"type": "LoadBalancer"}},
		"podDisruptionBudget": map[string]any{"enabled": false},
		"networkPolicy":       map[string]any{"enabled": false},
	},
	"existing secrets": {
		"secrets": map[string]any{"existingSecret": "vault-lienket"},
		"mongodb": map[string]any{"existingSecret": "vault-mongo"},
		"config":  map[string]any{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel-collector:4318"},
		"jwt":     map[string]any{"jwks": "https://idp.example.vn/.well-known/jwks.json"},
	},
}

// TestConsoleSettings: the console's sign-in reaches the gateway only when an OpenID issuer
// is set, its secrets from the chart's Secret; the public address reaches the contracts
// service (the verification link on documents) through the shared configuration.
func TestConsoleSettings(t *testing.T) {
	off := render(t, map[string]any{})["lienket/templates/gateway.yaml"]
	require.NotContains(t, off, "OIDC_ISSUER")
	vals := map[string]any{"gateway": map[string]any{"publicUrl": "https://lienket.example.vn", "oidc": map[string]any{"issuer": "https://id.example.vn"}},
		"secrets": map[string]any{"oidcClientSecret": "s3cret", "consoleSessionKey": "a2V5"}}
	out := render(t, vals)
	gw := out["lienket/templates/gateway.yaml"]
	require.Contains(t, gw, `{name: OIDC_ISSUER, value: "https://id.example.vn"}`)
	require.Contains(t, gw, `{name: CONSOLE_URL, value: "https://lienket.example.vn"}`)
	require.Contains(t, gw, "key: OIDC_CLIENT_SECRET")
	require.Contains(t, gw, "key: CONSOLE_SESSION_KEY")
	require.Contains(t, out["lienket/templates/config.yaml"], `PUBLIC_BASE_URL: "https://lienket.example.vn"`)
	decode(t, out) // every object still decodes strictly
}

// TestJWKSSetting: the identity provider's key set reaches every process's configuration only
// when it is set.
func TestJWKSSetting(t *testing.T) {
	for name, want := range map[string]bool{"defaults": false, "existing secrets": true} {
		cm := render(t, valueSets[name])["lienket/templates/config.yaml"]
		require.Equal(t, want, strings.Contains(cm, `JWT_JWKS: "https://idp.example.vn/.well-known/jwks.json"`), name)
		require.Equal(t, want, strings.Contains(cm, `JWT_JWKS_REFRESH: "10m"`), name)
	}
}

func TestLint(t *testing.T) {
	for name, vals := range valueSets {
		res := lint.AllWithKubeVersion(chartDir, vals, "lienket", nil)
		for _, m := range res.Messages {
			require.Less(t, m.Severity, support.WarningSev, "%s: %s", name, m.Error())
		}
	}
}

func render(t *testing.T, vals map[string]any) map[string]string {
	ch, err := loader.Load(chartDir)
	require.NoError(t, err)
	rv, err := chartutil.ToRenderValues(ch, vals, chartutil.ReleaseOptions{Name: "lk", Namespace: "lienket", IsInstall: true}, chartutil.DefaultCapabilities)
	require.NoError(t, err)
	out, err := engine.Render(ch, rv)
	require.NoError(t, err)
	return out
}

type object struct {
	kind, name string
	obj        any
}

func decode(t *testing.T, files map[string]string) []object {
	var objs []object
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !strings.HasSuffix(n, ".yaml") {
			continue
		}
		for _, doc := range strings.Split(files[n], "\n---") {
			if strings.TrimSpace(strings.ReplaceAll(doc, "---", "")) == "" {
				continue
			}
			var head struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
			}
			require.NoError(t, yaml.Unmarshal([]byte(doc), &head), n)
			var obj any
			switch head.Kind {
			case "Deployment":
				obj = &appsv1.Deployment{}
			case "Service":
				obj = &corev1.Service{}
			case "ConfigMap":
				obj = &corev1.ConfigMap{}
			case "Secret":
				obj = &corev1.Secret{}
			case "HorizontalPodAutoscaler":
				obj = &autoscalingv2.HorizontalPodAutoscaler{}
			case "PodDisruptionBudget":
				obj = &policyv1.PodDisruptionBudget{}
			case "NetworkPolicy":
				obj = &networkingv1.NetworkPolicy{}
			default:
				t.Fatalf("%s: unexpected kind %q", n, head.Kind)
			}
			require.NoError(t, yaml.UnmarshalStrict([]byte(doc), obj), "%s %s/%s", n, head.Kind, head.Metadata.Name)
			objs = append(objs, object{kind: head.Kind, name: head.Metadata.Name, obj: obj})
		}
	}
	return objs
}

func TestRenderedObjectsAreValid(t *testing.T) {
	for name, vals := range valueSets {
		t.Run(name, func(t *testing.T) {
			objs := decode(t, render(t, vals))
			count := map[string]int{}
			for _, o := range objs {
				count[o.kind]++
				d, ok := o.obj.(*appsv1.Deployment)
				if !ok {
					continue
				}
				ps := d.Spec.Template.Spec
				require.NotNil(t, ps.SecurityContext.RunAsNonRoot, o.name)
				require.True(t, *ps.SecurityContext.RunAsNonRoot, o.name)
				for _, c := range ps.Containers {
					require.NotNil(t, c.ReadinessProbe, "%s: readiness", o.name)
					require.NotNil(t, c.LivenessProbe, "%s: liveness", o.name)
					require.False(t, c.Resources.Requests.Cpu().IsZero(), "%s: cpu request", o.name)
					require.False(t, c.Resources.Limits.Memory().IsZero(), "%s: memory limit", o.name)
					require.False(t, *c.SecurityContext.AllowPrivilegeEscalation, o.name)
					require.Equal(t, d.Spec.Selector.MatchLabels["app.kubernetes.io/name"], d.Spec.Template.Labels["app.kubernetes.io/name"])
					if o.name != "lk-gateway" {
						require.NotNil(t, c.ReadinessProbe.GRPC, "%s: readiness on grpc health", o.name)
					}
				}
			}
			require.Equal(t, 6, count["Deployment"], fmt.Sprint(count)) // registry, contracts, matchmaking, support, webhooks, gateway
			require.Equal(t, 6, count["Service"], fmt.Sprint(count))
			if name == "defaults" {
				require.Equal(t, 6, count["HorizontalPodAutoscaler"])
				require.Equal(t, 6, count["PodDisruptionBudget"])
				require.Equal(t, 6, count["NetworkPolicy"])
				require.Equal(t, 1, count["Secret"])
			}
			if name == "existing secrets" {
				require.Zero(t, count["Secret"], "no secret rendered when both are external")
			}
		})
	}
}

// TestSupportService: the support service gets its own deployment on its ports, and every
// process finds it through SUPPORT_ADDR.
func TestSupportService(t *testing.T) {
	files := render(t, valueSets["defaults"])
	require.Contains(t, files["lienket/templates/config.yaml"], `SUPPORT_ADDR: "lk-support:9104"`)
	var found bool
	for _, o := range decode(t, files) {
		if d, ok := o.obj.(*appsv1.Deployment); ok && o.name == "lk-support" {
			found = true
			require.Equal(t, int32(9104), d.Spec.Template.Spec.Containers[0].Ports[0].ContainerPort)
		}
	}
	require.True(t, found, "a support deployment")
}

// TestWebhooksService: the webhooks service gets its own deployment on its ports with the keys
// that seal its signing secrets (from the Secret), and the gateway finds it through
// WEBHOOKS_ADDR.
func TestWebhooksService(t *testing.T) {
	files := render(t, valueSets["defaults"])
	require.Contains(t, files["lienket/templates/config.yaml"], `WEBHOOKS_ADDR: "lk-webhooks:9105"`)
	require.Contains(t, files["lienket/templates/config.yaml"], `WEBHOOK_SECRET_KEYS:`)
	var found bool
	for _, o := range decode(t, files) {
		d, ok := o.obj.(*appsv1.Deployment)
		if !ok {
			continue
		}
		var keys bool
		for _, e := range d.Spec.Template.Spec.Containers[0].Env {
			if e.Name == "WEBHOOK_SECRET_KEYS" {
				keys = e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil && e.ValueFrom.SecretKeyRef.Key == "WEBHOOK_SECRET_KEYS"
			}
		}
		require.Equal(t, o.name == "lk-webhooks", keys, "%s: the sealing keys go to the webhooks service only", o.name)
		if o.name == "lk-webhooks" {
			found = true
			require.Equal(t, int32(9105), d.Spec.Template.Spec.Containers[0].Ports[0].ContainerPort)
		}
	}
	require.True(t, found, "a webhooks deployment")
}

// TestCapacityPlan: the chart's defaults follow deploy/capacity.md — majority writes, a bounded
// connection pool per replica, and at most the plan's connection budget when every service
// runs at its autoscaling maximum.
func TestCapacityPlan(t *testing.T) {
	plan, err := os.ReadFile(filepath.Join("..", "..", "deploy", "capacity.md"))
	require.NoError(t, err)
	m := regexp.MustCompile(`connection budget: (\d+)`).FindSubmatch(plan)
	require.NotNil(t, m, "deploy/capacity.md states its connection budget")
	budget, _ := strconv.Atoi(string(m[1]))

	ch, err := loader.Load(chartDir)
	require.NoError(t, err)
	vals := chartutil.Values(ch.Values)
	uri, err := vals.PathValue("mongodb.uri")
	require.NoError(t, err)
	u, err := url.Parse(uri.(string))
	require.NoError(t, err)
	require.Equal(t, "majority", u.Query().Get("w"))
	pool, err := strconv.Atoi(u.Query().Get("maxPoolSize"))
	require.NoError(t, err, "mongodb.uri bounds the pool (maxPoolSize)")
	services, err := vals.Table("services")
	require.NoError(t, err)
	total := 0
	for name := range services {
		max, err := vals.PathValue("services." + name + ".autoscaling.maxReplicas")
		require.NoError(t, err, name)
		total += int(max.(float64)) * pool
	}
	require.LessOrEqual(t, total, budget, "connections at the services' autoscaling maxima")
}
