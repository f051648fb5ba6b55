<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>CustodyLogPane</name>
    <message numerus="yes">
        <location filename="../../app/gui/custody_view.py" line="92"/>
        <source>%n event(s) in the custody log; each links to the hash of the one before.</source>
        <translation>
            <numerusform>%n event in the custody log.</numerusform>
            <numerusform>%n events in the custody log; each links to the hash of the one before.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message numerus="yes">
        <location filename="../../app/gui/export_dialog.py" line="323"/>
        <source>%n exhibit(s) will be numbered in the bundle.</source>
        <translation>
            <numerusform>%n exhibit will be numbered in the bundle.</numerusform>
            <numerusform>%n exhibits will be numbered in the bundle.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/export_dialog.py" line="428"/>
        <source>Exported %n exhibit(s).</source>
        <translation>
            <numerusform>Exported %n exhibit.</numerusform>
            <numerusform>Exported %n exhibits.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImportFlow</name>
    <message numerus="yes">
        <location filename="../../app/gui/import_flow.py" line="174"/>
        <source>Imported %n of {total} file(s)…</source>
        <translation>
            <numerusform>Imported %n of {total} files…</numerusform>
            <numerusform>Imported %n of {total} files…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ImportSummaryDialog</name>
    <message numerus="yes">
        <location filename="../../app/gui/import_flow.py" line="61"/>
        <source>Imported: %n new item(s).</source>
        <translation>
            <numerusform>Imported: %n new item.</numerusform>
            <numerusform>Imported: %n new items.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/import_flow.py" line="63"/>
        <source>Already in the case (duplicates, logged as seen again): %n.</source>
        <translation>
            <numerusform>Already in the case (duplicates, logged as seen again): %n.</numerusform>
            <numerusform>Already in the case (duplicates, logged as seen again): %n.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/import_flow.py" line="65"/>
        <source>Refused: %n file(s), listed below with the reason.</source>
        <translation>
            <numerusform>Refused: %n file, listed below with the reason.</numerusform>
            <numerusform>Refused: %n files, listed below with the reason.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="345"/>
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n item</numerusform>
            <numerusform>%n items</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="350"/>
        <source>%n pending attestation(s)</source>
        <translation>
            <numerusform>%n pending attestation</numerusform>
            <numerusform>%n pending attestations</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="442"/>
        <source>Copied %n SHA-256 hash(es).</source>
        <translation>
            <numerusform>Copied %n SHA-256 hash.</numerusform>
            <numerusform>Copied %n SHA-256 hashes.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="480"/>
        <source>Removed “{tag}” from %n item(s).</source>
        <translation>
            <numerusform>Removed “{tag}” from %n item.</numerusform>
            <numerusform>Removed “{tag}” from %n items.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="482"/>
        <source>Tagged %n item(s) “{tag}”.</source>
        <translation>
            <numerusform>Tagged %n item “{tag}”.</numerusform>
            <numerusform>Tagged %n items “{tag}”.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TagDialog</name>
    <message numerus="yes">
        <location filename="../../app/gui/tag_dialog.py" line="30"/>
        <source>Remove which tag from the %n selected item(s)?</source>
        <translation>
            <numerusform>Remove which tag from the selected item?</numerusform>
            <numerusform>Remove which tag from the %n selected items?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/tag_dialog.py" line="32"/>
        <source>Add a tag to the %n selected item(s):</source>
        <translation>
            <numerusform>Add a tag to the selected item:</numerusform>
            <numerusform>Add a tag to the %n selected items:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>VerifyResultDialog</name>
    <message numerus="yes">
        <location filename="../../app/gui/verify_view.py" line="82"/>
        <source>✖ BROKEN — %n problem(s)</source>
        <translation>
            <numerusform>✖ BROKEN — %n problem</numerusform>
            <numerusform>✖ BROKEN — %n problems</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StudyReviewPanel</name>
    <message numerus="yes">
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>Review complete: %n answer(s) recorded.</source>
        <translation>
            <numerusform>Review complete: %n answer recorded.</numerusform>
            <numerusform>Review complete: %n answers recorded.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/study/review_panel.py" line="1"/>
        <source>%n output(s) left after this one.</source>
        <translation>
            <numerusform>%n output left after this one.</numerusform>
            <numerusform>%n outputs left after this one.</numerusform>
        </translation>
    </message>
</context>
</TS>
