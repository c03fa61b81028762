// The codes of the Decision format (Assets/schema/decision.schema.json); their texts are in the i18n tables.

/** Dispositions offered at each stage (CargoModel Disposition.options(at:)). */
export const DISPOSITIONS = {
  targeting: ['release', 'referForScan', 'targetedExamination'],
  screening: ['release', 'targetedExamination', 'fullDevanning', 'detain'],
  examination: ['release', 'fullDevanning', 'detain'],
  evidence: ['release', 'detain', 'controlledDelivery', 'referToAgency', 'alertDestinationPort'],
};

export const AGENCIES = [
  'antiNarcotics', 'police', 'firearmsControl', 'nuclearRegulator', 'migration', 'revenue', 'chemicalControl',
  'maritimeAuthority',
];

export const INDICATORS = [
  'highRiskOrigin', 'circuitousRouting', 'newConsignee', 'forwarderAsConsignee', 'newShipper', 'vagueDescription',
  'hsDescriptionMismatch', 'vgmMismatch', 'implausibleDensity', 'sealNumberMismatch', 'sealChangedWithoutRecord',
  'nonCompliantSealClass', 'invalidCheckDigit', 'reeferNonPerishable', 'cashFreightPayment', 'lateAmendment',
  'radiationAlarm', 'controlledPrecursor',
];

export const SEAL_FINDINGS = ['intact', 'numberMismatch', 'tampered', 'substituted', 'nonCompliantClass', 'bypassed'];

export const EVIDENCE_STEPS = [
  'witnessPresent', 'photographSealInPlace', 'recordSealNumber', 'cutSeal', 'retainRemovedSeal', 'photographInSitu',
  'sampleAndFieldTest', 'inventoryGoods', 'completeCustodyForm', 'affixNewSeal', 'recordNewSealNumber',
  'isolateArea', 'locateWithHandheld',
];
