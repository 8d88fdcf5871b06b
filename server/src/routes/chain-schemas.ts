import { Type } from "@sinclair/typebox";
import { ID_PATTERN } from "@footfall/core";

/**
 * Schemas of the chain routes (store groups, the chain overview, counts for BI tools), shared with
 * the UI as types (floorplan-ui/src/api/chain.ts): TypeBox and core only, never Fastify or Node.
 */
export const GroupParams = Type.Object({ group: Type.String({ pattern: ID_PATTERN, description: "store group id" }) });

export const GroupBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.String(), Type.Null()], { description: "what sort of group: region, format, ... (free text)" }),
  stores: Type.Array(Type.String(), { description: "its stores (those this token may see)" }),
});
export const GroupsBody = Type.Object({ groups: Type.Array(GroupBody) });

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Kind = Type.Union([Type.String({ minLength: 1, maxLength: 60 }), Type.Null()]);
const StoreIds = Type.Array(Type.String({ pattern: ID_PATTERN }), { maxItems: 10_000, uniqueItems: true });

export const GroupInput = Type.Object({
  id: Type.String({ pattern: ID_PATTERN, description: "the group's id, like a store's (lower case, digits, - and _)" }),
  name: Name,
  kind: Type.Optional(Kind),
  stores: Type.Optional(StoreIds),
});
export const GroupPatch = Type.Object({
  name: Type.Optional(Name),
  kind: Type.Optional(Kind),
  stores: Type.Optional(StoreIds),
});
export const StoreGroupsInput = Type.Object({ groups: Type.Array(Type.String({ pattern: ID_PATTERN }), { maxItems: 1000, uniqueItems: true }) });
export const StoreGroupsBody = Type.Object({ store: Type.String(), groups: Type.Array(Type.String()) });
