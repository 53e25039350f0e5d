/* cairn: an object id as text, the value that names a commit or a blob.
 *
 * A plain value type with no git in it: the git store hands these out, and
 * the index (its sibling) stores and returns them without knowing git. */
#ifndef CAIRN_OID_H
#define CAIRN_OID_H

typedef struct cairn_oid {
	char hex[41];           /* "" for none (an unborn branch, an absent blob) */
} cairn_oid;

#endif
