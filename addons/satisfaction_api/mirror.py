# This file is part of the satisfaction_api module.  The COPYRIGHT file at
# the top level of this repository contains the full copyright notices and
# license terms.
"""The dossiers of external platforms mirrored into ``one_stop.dossier``.

The host gives every dossier a code of its own (<agency>-YYMMDD-NNNN), so
the legal code of the external platform is kept beside it, in
``satisfaction.api.dossier``, with the external clerk who returned the
result.  The mirror moves only through the host's public methods: create
(as the root user, who may give the received time), then the buttons
process, mark_ready and return_result (which, through public_satisfaction,
invites the eligible dossiers in the same transaction), reject and
withdraw.  The host's buttons date their step now; the times the external
platform sent are written afterwards (ready, returned, the timeliness
computed from them, and the returned time of the invitation's snapshot).
"""
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError
from trytond.modules.one_stop.localtime import local_date
from trytond.modules.one_stop.workdays import timeliness
from trytond.pool import Pool
from trytond.transaction import without_check_access

from . import payload
from .payload import PayloadError

# trytond checks every id of a browsed list when instantiating each record
# (quadratic in its length): the ORM calls are made in chunks
CHUNK = 200


def chunked(items, size=CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


class ExternalDossier(ModelSQL, ModelView):
    __string__ = "External Dossier"
    __name__ = 'satisfaction.api.dossier'
    _rec_name = 'code'

    code = fields.Char(
        "Legal Code", required=True, readonly=True,
        help="The code of the dossier on the external platform.")
    platform = fields.Many2One(
        'satisfaction.api.platform', "Platform", required=True,
        readonly=True, ondelete='RESTRICT')
    dossier = fields.Many2One(
        'one_stop.dossier', "Dossier", required=True, readonly=True,
        ondelete='RESTRICT')
    agency = fields.Many2One(
        'one_stop.agency', "Agency", required=True, readonly=True,
        ondelete='RESTRICT')
    clerk_id = fields.Char("Returning Clerk ID", readonly=True)
    clerk_name = fields.Char("Returning Clerk", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'satisfaction_api.msg_external_code_unique'),
            ('dossier_unique', Unique(t, t.dossier),
                'satisfaction_api.msg_external_dossier_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.agency, Index.Equality())))
        cls._order = [('id', 'DESC')]

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for _, values in zip(actions, actions):
            if set(values) - {'clerk_id', 'clerk_name'}:
                raise AccessError(gettext(
                        'satisfaction_api.msg_external_readonly'))
        super().write(*args)

    @classmethod
    def delete(cls, links):
        if links:
            raise AccessError(gettext(
                    'satisfaction_api.msg_external_readonly'))

    @classmethod
    def find(cls, platform, codes):
        """The mirrors of codes: {code: {'id', 'dossier', 'agency',
        'clerk_id', 'clerk_name'}}, plain values (a list of a thousand
        records costs trytond quadratic time); 403 for a dossier of an
        agency out of the platform's scope"""
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        scope = {a.id for a in platform.agencies}
        links = {}
        for chunk in chunked(list(codes), 500):
            for row in cls.search_read([('code', 'in', chunk)], fields_names=[
                        'code', 'dossier', 'agency', 'clerk_id',
                        'clerk_name']):
                links[row['code']] = row
        for row in links.values():
            if row['agency'] not in scope:
                raise PayloadError(403, 'agency_out_of_scope', 'agency',
                    agency=Agency(row['agency']).code)
        return links

    @classmethod
    def recorded(cls, links):
        """What the mirror holds of links (rows of find) as the DossierInput
        of an upsert, its state and whether its result is immediate:
        {code: (DossierInput, immediate)}"""
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        by_dossier = {row['dossier']: row for row in links.values()}
        result = {}
        for chunk in chunked(list(by_dossier), 500):
            for row in Dossier.read(chunk, [
                        'procedure.code', 'procedure.immediate_result',
                        'agency.code', 'counter.code', 'channel',
                        'return_method', 'received_date', 'appointment_date',
                        'ready_date', 'returned_date', 'state', 'reason']):
                link = by_dossier[row['id']]
                counter = row.get('counter.') or {}
                result[link['code']] = (payload.DossierInput(
                        code=link['code'],
                        procedure=row['procedure.']['code'],
                        agency=row['agency.']['code'],
                        counter=counter.get('code'),
                        channel=row['channel'],
                        return_method=row['return_method'],
                        received=row['received_date'],
                        appointment=row['appointment_date'],
                        ready=row['ready_date'],
                        returned=row['returned_date'],
                        state=row['state'], reason=row['reason'],
                        clerk_id=link['clerk_id'],
                        clerk_name=link['clerk_name']),
                    bool(row['procedure.']['immediate_result']))
        return result

    @classmethod
    def resolve(cls, platform, inputs):
        """The agency, procedure and counter records of the codes of
        inputs: 422 for an unknown code, 403 for an agency out of scope"""
        pool = Pool()
        Agency = pool.get('one_stop.agency')
        Procedure = pool.get('one_stop.procedure')
        Counter = pool.get('one_stop.counter')
        agencies = {a.code: a for a in Agency.search([
                    ('code', 'in', list({i.agency for i in inputs})),
                    ])}
        procedures = {p.code: p for p in Procedure.search([
                    ('code', 'in', list({i.procedure for i in inputs})),
                    ])}
        counters = {(c.agency.id, c.code): c for c in Counter.search([
                    ('code', 'in', list({i.counter for i in inputs
                                if i.counter})),
                    ('agency', 'in', [a.id for a in agencies.values()]),
                    ])}
        scope = {a.id for a in platform.agencies}
        resolved = []
        for index, item in enumerate(inputs):
            prefix = f'dossiers[{index}].' if len(inputs) > 1 else ''
            agency = agencies.get(item.agency)
            if agency is None:
                raise PayloadError(422, 'unknown_agency', prefix + 'agency',
                    agency=item.agency)
            if agency.id not in scope:
                raise PayloadError(403, 'agency_out_of_scope',
                    prefix + 'agency', agency=item.agency)
            procedure = procedures.get(item.procedure)
            if procedure is None:
                raise PayloadError(422, 'unknown_procedure',
                    prefix + 'procedure', procedure=item.procedure)
            counter = None
            if item.counter:
                counter = counters.get((agency.id, item.counter))
                if counter is None:
                    raise PayloadError(422, 'unknown_counter',
                        prefix + 'counter', counter=item.counter)
            resolved.append((agency, procedure, counter))
        return resolved

    @classmethod
    def upsert(cls, platform, inputs):
        """Create or move forward the mirrors of inputs (DossierInputs) for
        platform; return their (legal code, dossier id) in the order of
        inputs.  Raise PayloadError (nothing is kept: the caller rolls
        back)."""
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        links = cls.find(platform, [i.code for i in inputs])
        resolved = cls.resolve(platform, inputs)
        recorded = cls.recorded(links)
        to_create = []
        for index, (item, (agency, procedure, counter)) in enumerate(
                zip(inputs, resolved)):
            prefix = f'dossiers[{index}].' if len(inputs) > 1 else ''
            if item.code not in links:
                to_create.append((item, agency, procedure, counter))
                continue
            field = payload.conflicts(recorded[item.code][0], item)
            if field:
                raise PayloadError(409, f'changed_{field}', prefix + field,
                    dossier=item.code)
        with without_check_access():
            created = []
            for chunk in chunked(to_create):
                dossiers = Dossier.create([{
                            'applicant': platform.applicant.id,
                            'procedure': procedure.id,
                            'agency': agency.id,
                            'counter': counter.id if counter else None,
                            'channel': item.channel,
                            'return_method': item.return_method,
                            'received_date': item.received,
                            } for item, agency, procedure, counter in chunk])
                appointments = []
                for dossier, (item, *_) in zip(dossiers, chunk):
                    if item.appointment and item.appointment != (
                            dossier.appointment_date):
                        appointments.extend(([dossier], {
                                    'appointment_date': item.appointment}))
                if appointments:
                    Dossier.write(*appointments)
                created.extend(cls.create([{
                                'code': item.code,
                                'platform': platform.id,
                                'dossier': dossier.id,
                                'agency': agency.id,
                                'clerk_id': item.clerk_id,
                                'clerk_name': item.clerk_name,
                                } for dossier, (item, agency, *_) in zip(
                                dossiers, chunk)]))
            for chunk in chunked(created):
                for row in cls.read([c.id for c in chunk], [
                            'code', 'dossier', 'agency', 'clerk_id',
                            'clerk_name']):
                    links[row['code']] = row
            states = {code: (r.state, immediate)
                for code, (r, immediate) in recorded.items()}
            for item, _, procedure, _ in to_create:
                states[item.code] = (
                    'received', bool(procedure.immediate_result))
            cls._move(inputs, links, states)
        return [(i.code, links[i.code]['dossier']) for i in inputs]

    @classmethod
    def _move(cls, inputs, links, states):
        """Move the dossiers of inputs forward with the host's buttons;
        states: {code: (state, immediate result)}"""
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        timezone = Dossier.timezone()
        plans = {}
        for index, item in enumerate(inputs):
            state, immediate = states[item.code]
            try:
                plans[item.code] = payload.steps(state, item.state, immediate)
            except PayloadError as error:
                if len(inputs) > 1:
                    error.field = f'dossiers[{index}].state'
                raise
        by_code = {i.code: i for i in inputs}
        for button in payload.BUTTONS:
            codes = [c for c, plan in plans.items() if button in plan]
            for chunk in chunked(codes):
                dossiers = Dossier.browse(
                    [links[c]['dossier'] for c in chunk])
                cls._press(button, dossiers, [by_code[c] for c in chunk],
                    timezone)
        to_write = []
        for item in inputs:
            link = links[item.code]
            if item.clerk_id and (item.clerk_id, item.clerk_name) != (
                    link['clerk_id'], link['clerk_name']):
                to_write.extend(([cls(link['id'])], {
                            'clerk_id': item.clerk_id,
                            'clerk_name': item.clerk_name,
                            }))
        if to_write:
            cls.write(*to_write)

    @classmethod
    def _press(cls, button, dossiers, items, timezone):
        """Call button of the host on dossiers, then write the times of
        items (their DossierInputs) that the button dated now"""
        pool = Pool()
        Dossier = pool.get('one_stop.dossier')
        Invitation = pool.get('satisfaction.invitation')
        if button in {'reject', 'withdraw'}:
            for dossier, item in zip(dossiers, items):
                dossier.reason = item.reason
            Dossier.save(dossiers)
        getattr(Dossier, button)(dossiers)
        if button == 'mark_ready':
            for dossier, item in zip(dossiers, items):
                dossier.ready_date = item.ready
                dossier.timeliness = timeliness(
                    local_date(item.ready, timezone),
                    dossier.appointment_date)
            Dossier.save(dossiers)
        elif button == 'return_result':
            returned = {}
            for dossier, item in zip(dossiers, items):
                dossier.returned_date = item.returned
                returned[dossier.id] = item.returned
            Dossier.save(dossiers)
            # the snapshot of the invitations issued a moment ago
            to_write = []
            for invitation in Invitation.search([
                        ('dossier', 'in', list(returned)),
                        ('state', '!=', 'revoked'),
                        ]):
                to_write.extend(([invitation], {
                            'returned_date': returned[invitation.dossier.id],
                            }))
            if to_write:
                Invitation.write(*to_write)
