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
