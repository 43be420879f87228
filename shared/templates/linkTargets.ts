/**
 * Where a tracked link may send a reader: an http or https URL on a host the
 * workspace allows. Checked on template copy (the editor and saving) and again
 * on every `/l/:code` redirect, where a target may come from a contact trait.
 *
 * An allow-list entry is a host name (`m.orangecredit.example`, any port) or
 * `*.` and a domain, which allows its subdomains (`*.orangecredit.example`
 * allows `m.orangecredit.example`, not `orangecredit.example` itself).
 */

/** Most hosts an allow-list holds, and the longest a host name may be (DNS: 253). */
export const maxLinkHosts = 100;
export const maxHostLength = 253;

const hostPattern = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** An allow-list entry in its one spelling (lower case, no trailing dot), or null when it is not a host name. */
export function normaliseHost(entry: string): string | null {
  const h = entry.trim().toLowerCase().replace(/\.$/, '');
  return h.length > 0 && h.length <= maxHostLength && hostPattern.test(h) ? h : null;
}

/** Whether `host` (a URL's hostname) is on `allowed`. */
export function hostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allowed.some((a) => (a.startsWith('*.') ? h.endsWith(a.slice(1)) : h === a));
}

/** Why a tracked link's target is refused, as data: the template page words it in the reader's language (client/templates/issueText.ts). */
export type LinkTargetFault = { fault: 'not_url'; target: string } | { fault: 'scheme'; scheme: string } | { fault: 'host'; host: string; hosts: string };

/**
 * Why `target` may not be a tracked link's target, or null when it may. An
 * empty `allowed` list restricts only the scheme (nothing configured and no
 * library to take hosts from).
 */
export function linkTargetFault(target: string, allowed: readonly string[]): LinkTargetFault | null {
  let url: URL;
  try {
    url = new URL(target.trim());
  } catch {
    return { fault: 'not_url', target: shorten(target) };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { fault: 'scheme', scheme: url.protocol.replace(/:$/, '') };
  if (allowed.length > 0 && !hostAllowed(url.hostname, allowed)) return { fault: 'host', host: url.hostname, hosts: allowed.join(', ') };
  return null;
}

/** A refused target's fault in English, for the person who wrote it (the API's words). */
export function linkFaultEnglish(f: LinkTargetFault): string {
  switch (f.fault) {
    case 'not_url':
      return `"${f.target}" is not a URL: a tracked link needs a full address, such as https://example.com/page`;
    case 'scheme':
      return `a tracked link must use http or https, not ${f.scheme}`;
    case 'host':
      return `${f.host} is not on the workspace's link allow-list (${f.hosts}): add it under Settings → Tracked links, or link to an allowed host`;
  }
}

/** Why `target` may not be a tracked link's target, in English, or null when it may. */
export function linkTargetProblem(target: string, allowed: readonly string[]): string | null {
  const f = linkTargetFault(target, allowed);
  return f && linkFaultEnglish(f);
}

/** The hosts of tracked-link targets written literally in copy (`{{link "https://…"}}`), for a default allow-list. */
export function literalLinkHosts(sources: Iterable<string>): string[] {
  const hosts = new Set<string>();
  for (const src of sources)
    for (const m of src.matchAll(/\{\{~?\s*link\s+"([^"]+)"/g)) {
      try {
        const u = new URL(m[1] ?? '');
        if (u.protocol === 'http:' || u.protocol === 'https:') hosts.add(u.hostname.toLowerCase());
      } catch {
        // not a URL: the template's own check reports it
      }
    }
  return [...hosts].sort();
}

const shorten = (s: string): string => (s.length > 80 ? `${s.slice(0, 77)}…` : s);
