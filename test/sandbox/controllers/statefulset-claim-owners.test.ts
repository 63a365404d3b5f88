// The owner references persistentVolumeClaimRetentionPolicy asks for (isClaimOwnerUpToDate,
// updateClaimOwnerRefForSetAndPod, hasUnexpectedController, PodClaimIsStale), as pure functions.
import { KubeObject, OwnerReference } from '../../../src/sandbox/api';
import { claimIsStale, desiredClaimOwnerRefs, hasUnexpectedController } from '../../../src/sandbox/controllers/statefulset/statefulset-claims';

type Policy = 'Retain' | 'Delete';

function set(whenDeleted: Policy, whenScaled: Policy, replicas = 2): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'set-uid' },
    spec: { replicas, persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } },
  };
}

function pod(ordinal: number, uid: string | undefined = `pod-${ordinal}-uid`): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: `web-${ordinal}`, namespace: 'default', ...(uid ? { uid } : {}) } };
}

function claim(ordinal: number, ownerReferences?: OwnerReference[]): KubeObject {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: `data-web-${ordinal}`, namespace: 'default', ...(ownerReferences ? { ownerReferences } : {}) } };
}

const SET_REF: OwnerReference = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true, blockOwnerDeletion: true };
const podRef = (ordinal: number, uid = `pod-${ordinal}-uid`): OwnerReference =>
  ({ apiVersion: 'v1', kind: 'Pod', name: `web-${ordinal}`, uid, controller: true, blockOwnerDeletion: true });
const OTHER_OWNER: OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'keeper', uid: 'keeper-uid' };

describe('desiredClaimOwnerRefs', () => {
  test.each([
    // whenDeleted, whenScaled, in range (ordinal 1 of 2), scaled down (ordinal 2 of 2)
    ['Retain', 'Retain', [], []],
    ['Delete', 'Retain', [SET_REF], [SET_REF]],
    ['Retain', 'Delete', [], [podRef(2)]],
    ['Delete', 'Delete', [SET_REF], [podRef(2)]],
  ] as Array<[Policy, Policy, OwnerReference[], OwnerReference[]]>)('whenDeleted=%s whenScaled=%s', (whenDeleted, whenScaled, inRange, scaledDown) => {
    expect(desiredClaimOwnerRefs(claim(1), set(whenDeleted, whenScaled), pod(1))).toEqual(inRange);
    expect(desiredClaimOwnerRefs(claim(2), set(whenDeleted, whenScaled), pod(2))).toEqual(scaledDown);
  });

  test('replaces the set and pod references, keeps other owners', () => {
    const refs = desiredClaimOwnerRefs(claim(2, [OTHER_OWNER, SET_REF]), set('Delete', 'Delete'), pod(2));
    expect(refs).toEqual([OTHER_OWNER, podRef(2)]);
  });

  test('leaves a claim alone when it references an earlier incarnation of the set or the pod', () => {
    const oldSet = { ...SET_REF, uid: 'old-set-uid' };
    expect(desiredClaimOwnerRefs(claim(1, [oldSet]), set('Delete', 'Retain'), pod(1))).toBeUndefined();
    expect(desiredClaimOwnerRefs(claim(2, [podRef(2, 'old-pod-uid')]), set('Retain', 'Delete'), pod(2))).toBeUndefined();
  });

  test('another controller wins: the set and pod references are scrubbed and none added', () => {
    const controller: OwnerReference = { ...OTHER_OWNER, controller: true };
    expect(desiredClaimOwnerRefs(claim(1, [controller, SET_REF]), set('Delete', 'Retain'), pod(1))).toEqual([controller]);
    expect(desiredClaimOwnerRefs(claim(1, [controller]), set('Delete', 'Retain'), pod(1))).toEqual([controller]);
    // Under Retain/Retain another controller is no conflict: there is nothing of ours to add anyway.
    expect(desiredClaimOwnerRefs(claim(1, [controller]), set('Retain', 'Retain'), pod(1))).toEqual([controller]);
  });
});

describe('hasUnexpectedController', () => {
  test('only a foreign controller under a non-Retain policy counts', () => {
    const controller: OwnerReference = { ...OTHER_OWNER, controller: true };
    expect(hasUnexpectedController(claim(1, [controller]), set('Delete', 'Retain'), pod(1))).toBe(true);
    expect(hasUnexpectedController(claim(1, [controller]), set('Retain', 'Retain'), pod(1))).toBe(false);
    expect(hasUnexpectedController(claim(1, [OTHER_OWNER]), set('Delete', 'Delete'), pod(1))).toBe(false);
    expect(hasUnexpectedController(claim(1, [SET_REF, podRef(1)]), set('Delete', 'Delete'), pod(1))).toBe(false);
    expect(hasUnexpectedController(claim(1, [{ ...SET_REF, uid: 'old-set-uid' }]), set('Delete', 'Delete'), pod(1))).toBe(true);
  });
});

describe('claimIsStale (PodClaimIsStale)', () => {
  test('under whenScaled=Delete a claim owned by another incarnation of the pod is stale', () => {
    const ownedByOldPod = claim(1, [podRef(1, 'old-pod-uid')]);
    expect(claimIsStale(ownedByOldPod, set('Retain', 'Delete'), pod(1, undefined))).toBe(true);
    expect(claimIsStale(ownedByOldPod, set('Delete', 'Delete'), pod(1))).toBe(true);
    expect(claimIsStale(claim(1, [podRef(1)]), set('Retain', 'Delete'), pod(1))).toBe(false);
    expect(claimIsStale(claim(1, [SET_REF]), set('Delete', 'Delete'), pod(1, undefined))).toBe(false);
    expect(claimIsStale(claim(1), set('Retain', 'Delete'), pod(1, undefined))).toBe(false);
    expect(claimIsStale(claim(1, [podRef(0)]), set('Retain', 'Delete'), pod(1, undefined))).toBe(false);
  });

  test('under whenScaled=Retain claims are meant to be reused and are never stale', () => {
    expect(claimIsStale(claim(1, [podRef(1, 'old-pod-uid')]), set('Delete', 'Retain'), pod(1, undefined))).toBe(false);
  });
});
