/** The contact columns an audience export may hold, in the order an operator would read them; any trait as `trait:<key>`. */
export const contactColumns = ['external_id', 'anonymous_id', 'name', 'phone', 'email', 'timezone', 'registered_at', 'created_at', 'sleeping_since', 'opt_outs'] as const;
export type ContactColumn = (typeof contactColumns)[number];

/** A trait column's key: letters, digits, "_", "." and "-". */
export const traitColumnPattern = /^trait:[\w.-]{1,100}$/;
