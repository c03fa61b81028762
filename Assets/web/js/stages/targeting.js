// Targeting: the documents only (bill of lading, parties, route, VGM, seal record and log); the decision
// flags indicators and chooses release, scanning or straight to examination.
import { el, facts, table, checkboxes } from '../dom.js';
import { t, localized, number, instant } from '../i18n.js';
import { INDICATORS } from '../vocab.js';
import { dispositionChoice, decisionBody, panel, words } from './common.js';

function yesNo(value) {
  return t(value ? 'label.yes' : 'label.no');
}

function party(title, p) {
  if (!p) return null;
  return el(
    'div',
    { class: 'party' },
    el('h3', {}, title),
    el('div', {}, el('strong', {}, p.name)),
    el('div', { class: 'muted' }, `${p.city ? `${p.city}, ` : ''}${p.country}`),
    facts([
      [t('label.trustedTrader'), t(`trustedTrader.${p.trustedTrader}`)],
      [t('label.yearsTrading'), number(p.yearsTrading)],
      [t('web.targeting.shipments12'), number(p.shipmentsLast12Months)],
      [t('label.freightForwarder'), yesNo(p.isFreightForwarder)],
    ]),
  );
}

function port(label, ref) {
  return el('span', { class: 'port', title: label }, el('b', {}, ref.locode), ` ${ref.name}`, el('div', { class: 'muted' }, label));
}

function route(bl) {
  const stops = [];
  if (bl.placeOfReceipt && bl.placeOfReceipt.locode !== bl.portOfLoading.locode) {
    stops.push(port(t('label.placeOfReceipt'), bl.placeOfReceipt));
  }
  stops.push(port(t('label.portOfLoading'), bl.portOfLoading));
  for (const via of bl.transhipmentPorts || []) stops.push(port(t('label.transhipment'), via));
  stops.push(port(t('label.portOfDischarge'), bl.portOfDischarge));
  if (bl.placeOfDelivery && bl.placeOfDelivery.locode !== bl.portOfDischarge.locode) {
    stops.push(port(t('label.placeOfDelivery'), bl.placeOfDelivery));
  }
  const items = [];
  stops.forEach((s, i) => {
    if (i) items.push(el('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'));
    items.push(s);
  });
  return el('div', { class: 'route', id: 'route' }, ...items);
}

function reeferText(reefer) {
  if (reefer.nonOperating) return t('reefer.nonOperating');
  const vent = reefer.ventilationM3h || 0;
  return t('reefer.setting', {
    setPointC: String(reefer.setPointC),
    ventilation: vent === 0 ? t('reefer.ventClosed') : `${vent} m³/h`,
  });
}

function dangerousText(dg) {
  return t('label.dangerousGoodsLine', {
    unNumber: dg.unNumber,
    name: dg.properShippingName,
    hazardClass: dg.hazardClass,
    packingGroup: dg.packingGroup || '—',
  });
}

function goods(bl) {
  const rows = bl.goods.map((g) => [
    el('span', { class: 'mono' }, g.hsCode),
    el(
      'span',
      {},
      localized(g.description),
      ...(g.dangerousGoods ? [el('br'), el('span', { class: 'mono dg' }, dangerousText(g.dangerousGoods))] : []),
      ...(g.permit ? [el('br'), el('span', { class: 'mono' }, `${t('label.permit')}: ${g.permit}`)] : []),
    ),
    `${number(g.packageCount)} ${t(`package.${g.packageKind}`)}`,
    number(g.grossKG),
    number(g.netKG),
    number(g.volumeM3, 2),
    el('span', { class: 'mono' }, g.marks),
  ]);
  const gross = bl.goods.reduce((s, g) => s + g.grossKG, 0);
  const volume = bl.goods.reduce((s, g) => s + g.volumeM3, 0);
  rows.push([el('strong', {}, t('label.totalGross')), '', '', el('strong', {}, number(gross)), '', el('strong', {}, number(volume, 2)), '']);
  return table(
    [t('label.hsCode'), t('label.description'), t('label.packages'), t('label.grossKG'), t('label.netKG'), t('web.targeting.volumeM3'), t('label.marks')],
    rows,
    { id: 'goods-table' },
  );
}

function sealRecord(targeting) {
  const seals = table(
    [t('web.targeting.sealNumber'), t('web.targeting.sealClass'), t('web.targeting.sealKind'), t('label.makerMark')],
    targeting.seals.map((s) => [el('span', { class: 'mono' }, s.number), t(`sealClass.${s.securityClass}`), t(`sealKind.${s.kind}`), words(s.maker)]),
    { id: 'seal-table' },
  );
  const vvtt = (check) =>
    check ? ['view', 'verify', 'tug', 'twist'].map((k) => `${t(`label.${k}`)} ${check[k] ? '✓' : '✗'}`).join(' · ') : '—';
  const log = table(
    [t('label.time'), t('label.place'), t('label.actor'), t('label.event'), t('label.numberRead'), t('label.recordedBy'), t('label.vvtt')],
    targeting.sealLog.map((e) => [
      instant(e.time),
      el('span', { class: 'mono' }, e.place),
      t(`sealActor.${e.actor}`),
      t(`sealEvent.${e.event}`),
      el('span', { class: 'mono' }, e.numberRead),
      e.recordedBy,
      vvtt(e.check),
    ]),
    { id: 'seal-log' },
  );
  return [el('h3', {}, t('label.seals')), seals, el('h3', { style: 'margin-top:12px' }, t('label.sealLog')), log];
}

/** The documents of the targeting stage. */
export function renderTargeting(work, context) {
  const c = context.view.case;
  const tg = c.targeting;
  const bl = tg.billOfLading;
  const amendments = bl.amendments?.length
    ? table(
        [t('web.targeting.amendedField'), t('web.targeting.filedAt'), t('web.targeting.hoursBeforeArrival')],
        bl.amendments.map((a) => [a.field, instant(a.filedAt), number(a.hoursBeforeArrival)]),
      )
    : el('p', { class: 'muted' }, t('label.none'));
  work.append(
    panel(
      `${t('label.billOfLading')} ${bl.number}`,
      el(
        'div',
        { class: 'two-col' },
        facts([
          [t('label.carrier'), `${bl.carrier} (${bl.carrierSCAC})`],
          [t('label.vessel'), bl.vessel],
          [t('label.voyage'), bl.voyage],
          ...(bl.kind ? [[t('label.billOfLadingKind'), t(`billOfLadingKind.${bl.kind}`)]] : []),
          [t('label.issued'), bl.issued],
          [t('label.onBoard'), bl.onBoard],
          [t('label.eta'), bl.estimatedArrival],
        ]),
        facts([
          [t('label.container'), el('span', { class: 'mono', id: 'container-number' }, bl.containerNumber)],
          [t('label.containerType'), bl.containerType],
          ...(bl.containerTareKG ? [[t('label.containerTare'), `${number(bl.containerTareKG)} kg`]] : []),
          ...(bl.reefer ? [[t('label.reeferInstruction'), reeferText(bl.reefer)]] : []),
          [t('label.freightTerms'), t(`freightTerms.${bl.freightTerms}`)],
          [t('label.freightPayment'), t(`freightPayment.${bl.freightPayment}`)],
          [t('label.slac'), yesNo(bl.shippersLoadAndCount)],
          [t('web.targeting.manifestSeals'), el('span', { class: 'mono' }, (bl.sealNumbers || []).join(', '))],
        ]),
      ),
      el('h3', { style: 'margin-top:12px' }, t('web.targeting.route')),
      route(bl),
    ),
    panel(
      t('web.targeting.parties'),
      el('div', { class: 'two-col' }, party(t('label.shipper'), bl.shipper), party(t('label.consignee'), bl.consignee)),
      bl.notifyParty ? el('div', { style: 'margin-top:10px' }, party(t('label.notifyParty'), bl.notifyParty)) : null,
    ),
    panel(t('label.goods'), goods(bl)),
    panel(
      t('label.vgm'),
      facts([
        [t('web.targeting.vgmKG'), number(bl.vgm.kg)],
        [t('label.vgmMethod'), t(`vgmMethod.${bl.vgm.method}`)],
        [t('label.signatory'), bl.vgm.signatory],
        [t('web.targeting.vgmDate'), bl.vgm.date],
      ]),
    ),
    panel(t('label.amendments'), amendments),
    panel(t('web.targeting.sealRecord'), ...sealRecord(tg)),
  );
  return {};
}

/** The targeting decision: indicators flagged and the disposition. */
export function targetingDecision(form) {
  const choice = dispositionChoice('targeting');
  const flags = checkboxes(
    'indicators',
    INDICATORS.map((code) => ({ value: code, label: t(`indicator.${code}`) })),
    { legend: t('web.decision.indicators') },
  );
  flags.node.querySelectorAll('label').forEach((label, i) => label.setAttribute('title', t(`indicator.${INDICATORS[i]}.help`)));
  // The decision first: with 17 indicators below it the disposition and the button stay in view.
  form.append(choice.node, el('p', { class: 'hint' }, t('web.decision.indicatorsHint')), flags.node);
  return () => {
    const disposition = choice.value();
    if (!disposition) return { error: t('web.decision.chooseDisposition') };
    return { value: decisionBody(disposition, { flaggedIndicators: flags.values() }) };
  };
}
