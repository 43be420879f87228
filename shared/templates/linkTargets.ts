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

/**
 * Why `target` may not be a tracked link's target, in words for the person who
 * wrote it, or null when it may. An empty `allowed` list restricts only the
 * scheme (nothing configured and no library to take hosts from).
 */
export function linkTargetProblem(target: string, allowed: readonly string[]): string | null {
  let url: URL;
  try {
    url = new URL(target.trim());
  } catch {
    return `"${shorten(target)}" is not a URL: a tracked link needs a full address, such as https://example.com/page`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `a tracked link must use http or https, not ${url.protocol.replace(/:$/, '')}`;
  if (allowed.length > 0 && !hostAllowed(url.hostname, allowed))
    return `${url.hostname} is not on the workspace's link allow-list (${allowed.join(', ')}): add it under Settings → Tracked links, or link to an allowed host`;
  return null;
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
