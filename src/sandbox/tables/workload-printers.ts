// The printers of apps/v1: statefulsets, daemonsets and controllerrevisions (printStatefulSet, printDaemonSet,
// printControllerRevision upstream).

import {
  AGE_COLUMN, age, column, CONTAINERS_COLUMN, containerCells, formatLabels, formatLabelSelector, IMAGES_COLUMN,
  NAME_COLUMN, Printer,
} from './columns';

const SELECTOR_DESCRIPTION = 'A label query over pods that are managed by the daemon set. Must match in order to be '
  + 'controlled. It must match the pod template\'s labels. More info: '
  + 'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors';

/** NAME READY AGE (ready/desired), and CONTAINERS IMAGES when wide. */
export const STATEFUL_SET_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Ready', 'string', 'Number of the pod with ready state'), AGE_COLUMN, CONTAINERS_COLUMN, IMAGES_COLUMN],
  cells(sts, now) {
    const [names, images] = containerCells(sts.spec?.template?.spec?.containers);
    return [sts.metadata.name, `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`, age(sts, now), names, images];
  },
};

/** NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE, and CONTAINERS IMAGES SELECTOR when wide. */
export const DAEMON_SET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'),
    column('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'),
    column('Ready', 'integer', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.'),
    column('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'),
    column('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'),
    column('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    column('Selector', 'string', SELECTOR_DESCRIPTION, 1),
  ],
  cells(ds, now) {
    const status = ds.status ?? {};
    const [names, images] = containerCells(ds.spec?.template?.spec?.containers);
    return [
      ds.metadata.name,
      status.desiredNumberScheduled ?? 0,
      status.currentNumberScheduled ?? 0,
      status.numberReady ?? 0,
      status.updatedNumberScheduled ?? 0,
      status.numberAvailable ?? 0,
      formatLabels(ds.spec?.template?.spec?.nodeSelector),
      age(ds, now),
      names,
      images,
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

/** NAME CONTROLLER REVISION AGE; the controller as `statefulset.apps/kafka`. */
export const CONTROLLER_REVISION_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Controller', 'string', 'Controller of the object'),
    column('Revision', 'integer', 'Revision indicates the revision of the state represented by Data.'),
    AGE_COLUMN,
  ],
  cells(revision, now) {
    const owner = (revision.metadata.ownerReferences ?? []).find((reference) => reference.controller);
    let controller = '<none>';
    if (owner) {
      // formatResourceName with the owner's GroupKind: `kind.group` lower-cased, just `kind` for the core group.
      const group = owner.apiVersion.includes('/') ? owner.apiVersion.split('/')[0] : '';
      controller = `${(group ? `${owner.kind}.${group}` : owner.kind).toLowerCase()}/${owner.name}`;
    }
    return [revision.metadata.name, controller, revision.revision ?? 0, age(revision, now)];
  },
};
