// Site additions to sao, loaded by its index.html after dist/tryton-sao.js
// (web/build.js links this file into trytond's web root).
(function() {
    'use strict';
    if (!window.Sao || !Sao.Dialog) {
        return;
    }
    // sao 8.0 titles the preferences dialog with an untranslated
    // "Preferences" (src/window.js, Sao.Window.Preferences): translate the
    // titles of dialogs through sao's catalogue, to which web/locale/vi.po
    // adds that message.  A title already translated is no msgid: it is
    // left as it is.
    var add_title = Sao.Dialog.prototype.add_title;
    Sao.Dialog.prototype.add_title = function(title, small) {
        if (typeof title === 'string' && title) {
            title = Sao.i18n.gettext(title);
        }
        return add_title.call(this, title, small);
    };
}());

(function() {
    'use strict';
    if (!window.Sao || !Sao.View || !Sao.View.Graph
            || !Sao.View.Graph.HorizontalBar) {
        return;
    }
    // sao 8.0 draws every graph at billboard.js' default height (320 px):
    // with 30 and more agencies the bars of a horizontal bar graph and
    // their labels overlap.  Give each category a row of its own, and the
    // labels one line on the left.
    var ROW = 24, MARGIN = 90, LABEL = 260;
    var bb_config = Sao.View.Graph.HorizontalBar.prototype._bb_config;
    Sao.View.Graph.HorizontalBar.prototype._bb_config = function(data) {
        var config = bb_config.call(this, data);
        var labels = (data.columns || []).filter(function(column) {
            return column[0] === 'labels';
        })[0] || ['labels'];
        var rows = labels.length - 1;
        config.size = {height: Math.max(320, rows * ROW + MARGIN)};
        config.axis.x.tick = jQuery.extend(
            {}, config.axis.x.tick, {multiline: false, width: LABEL});
        config.padding = {left: LABEL};
        return config;
    };
}());
