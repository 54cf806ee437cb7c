# This file is part of the one_stop module.  The COPYRIGHT file at the top
# level of this repository contains the full copyright notices and license
# terms.
from trytond.cache import Cache
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_cache_key(cls, model_names):
        pool = Pool()
        User = pool.get('res.user')
        key = super()._get_cache_key(model_names)
        return (*key, tuple(User.get_one_stop_agencies()))

    @classmethod
    def _get_context(cls, model_name):
        pool = Pool()
        User = pool.get('res.user')
        context = super()._get_context(model_name)
        context['one_stop_agencies'] = User.get_one_stop_agencies()
        return context


# the fields of ir.action that the report actions show (ActionMixin)
_action_cache = Cache('one_stop.action_report.get_action', context=False)


def clear_action_cache():
    "Forget the fields of the actions of the reports kept between requests"
    _action_cache.clear()


class _ClearsActionCache:
    "A model whose changes make the kept fields of the actions stale"
    __slots__ = ()

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        super().on_modification(mode, records, field_names=field_names)
        clear_action_cache()


class ActionReport(_ClearsActionCache, metaclass=PoolMeta):
    """The fields that a report action takes from its ir.action (the name,
    the groups, the keywords...) kept between transactions: Report.execute
    reads the name at each print (a button printing a receipt), which costs
    ActionMixin.get_action about a dozen statements and 5-10 ms.  Forgotten
    when an action, its keywords, groups or translations change."""
    __name__ = 'ir.action.report'

    @classmethod
    def get_action(cls, reports, names):
        transaction = Transaction()
        key = (transaction.language, transaction.user,
            tuple(sorted(map(int, reports))), tuple(sorted(names)))
        result = _action_cache.get(key)
        if result is None:
            result = super().get_action(reports, names)
            _action_cache.set(key, result)
            return result
        # the cache keeps them frozen: mappings and tuples
        return {name: {id_: list(value) if isinstance(value, tuple) else value
                for id_, value in values.items()}
            for name, values in result.items()}


class Action(_ClearsActionCache, metaclass=PoolMeta):
    __name__ = 'ir.action'


class ActionKeyword(_ClearsActionCache, metaclass=PoolMeta):
    __name__ = 'ir.action.keyword'


class ActionGroup(_ClearsActionCache, metaclass=PoolMeta):
    __name__ = 'ir.action-res.group'
