{{/*
Refuse to replace a CRD the cluster already has at a newer Gateway API bundle
version (its gateway.networking.k8s.io/bundle-version annotation): applying
ours would drop the newer fields from its schema. Called with a dict:
  existing: the live object (lookup's answer; empty when absent or when Helm
            renders without a cluster, as `helm template` does)
  bundled:  the object this chart is about to apply
Versions compare as semantic versions (prereleases of a newer release count
as newer); a live annotation that is not a version is left alone.
*/}}
{{- define "gateway-api-crds.refuseDowngrade" -}}
{{- $existing := .existing | default dict -}}
{{- $bundled := .bundled -}}
{{- if and $existing (eq $bundled.kind "CustomResourceDefinition") -}}
{{- $key := "gateway.networking.k8s.io/bundle-version" -}}
{{- $theirs := index ($existing.metadata.annotations | default dict) $key | default "" | toString -}}
{{- $ours := index $bundled.metadata.annotations $key | toString -}}
{{- $pattern := "^v?[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$" -}}
{{- if and (regexMatch $pattern $theirs) (regexMatch $pattern $ours) -}}
{{- if gt ((semver $theirs).Compare (semver $ours)) 0 -}}
{{- fail (printf "CRD %s is at Gateway API %s on the cluster, newer than this chart's %s: refusing to downgrade it (pin a newer istio-mesh, or set gatewayApi.crds: skip and manage the CRDs yourself)" $bundled.metadata.name $theirs $ours) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
