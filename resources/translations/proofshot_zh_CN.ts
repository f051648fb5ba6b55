<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN">
<context>
    <name>AppController</name>
    <message>
        <location filename="../../app/gui/application.py" line="150" />
        <source>Cannot create the case</source>
        <translation>无法创建案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="150" />
        <source>Cannot open the case</source>
        <translation>无法打开案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="153" />
        <source>Check the folder name. If the case is on a removable drive or network share, connect it and try again.</source>
        <translation>请检查文件夹名称。如果案件位于移动硬盘或网络共享上，请连接后重试。</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="156" />
        <source>Nothing was changed in the case. Install the newer Proofshot that wrote it.</source>
        <translation>案件未作任何更改。请安装写入该案件的较新版本 Proofshot。</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="159" />
        <source>Nothing was changed. Keep a copy of the folder as it is and ask for help; do not try to repair it by hand.</source>
        <translation>未作任何更改。请原样保留该文件夹的副本并寻求帮助；不要尝试手工修复。</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="181" />
        <source>Nothing was written to the case. You can open it read-only to look at the evidence and verify it; changes (import, tags, notes, captures) are then disabled.</source>
        <translation>未向案件写入任何内容。您可以以只读方式打开它，查看并校验证据；此时导入、标签、备注和截屏等更改功能将被停用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="186" />
        <source>The case cannot be opened for changes</source>
        <translation>无法以可修改方式打开案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/application.py" line="194" />
        <source>Open read-only</source>
        <translation>以只读方式打开</translation>
    </message>
</context>
<context>
    <name>Attestation</name>
    <message>
        <location filename="../../app/gui/labels.py" line="37" />
        <source>Attested</source>
        <translation>已加盖</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="38" />
        <source>Pending</source>
        <translation>待处理</translation>
    </message>
</context>
<context>
    <name>CaptureDialog</name>
    <message>
        <location filename="../../app/gui/capture.py" line="241" />
        <source>Save screen capture</source>
        <translation>保存屏幕截图</translation>
    </message>
    <message>
        <location filename="../../app/gui/capture.py" line="257" />
        <source>{w} × {h} pixels, exactly as the screen delivered them, saved as PNG.</source>
        <translation>{w} × {h} 像素，与屏幕输出完全一致，保存为 PNG。</translation>
    </message>
    <message>
        <location filename="../../app/gui/capture.py" line="267" />
        <source>The capture is entirely black: this desktop may not allow applications to capture the screen (Wayland does this). Use the system screenshot tool and import the file instead.</source>
        <translation>截图全黑：该桌面环境可能不允许应用程序截屏（Wayland 即如此）。请改用系统截图工具，然后导入该文件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/capture.py" line="274" />
        <source>The window in front could not be identified on this system, so the whole screen was captured.</source>
        <translation>在此系统上无法识别前台窗口，因此截取了整个屏幕。</translation>
    </message>
    <message>
        <location filename="../../app/gui/capture.py" line="281" />
        <source>Optional: the prompt you typed into the AI tool, copied here by hand.</source>
        <translation>可选：您在 AI 工具中输入的提示词，在此手工填写。</translation>
    </message>
    <message>
        <location filename="../../app/gui/capture.py" line="288" />
        <source>A prompt typed here is recorded as entered by you, not as captured from the tool; reports say so.</source>
        <translation>此处填写的提示词将记录为由您录入，而非从工具中采集；报告中会如实说明。</translation>
    </message>
    <message>
        <location filename="../../app/gui/capture.py" line="293" />
        <source>Tags, separated by commas</source>
        <translation>标签，以逗号分隔</translation>
    </message>
    <message>
        <location filename="../../app/gui/capture.py" line="295" />
        <source>Prompt (entered by operator)</source>
        <translation>提示词（操作人员录入）</translation>
    </message>
    <message>
        <location filename="../../app/gui/capture.py" line="297" />
        <source>Tags</source>
        <translation>标签</translation>
    </message>
</context>
<context>
    <name>CaptureFlow</name>
    <message>
        <location filename="../../app/gui/capture.py" line="363" />
        <location filename="../../app/gui/capture.py" line="405" />
        <source>Screen capture</source>
        <translation>屏幕截图</translation>
    </message>
    <message>
        <location filename="../../app/gui/capture.py" line="364" />
        <source>This case is open read-only; a capture cannot be stored in it.</source>
        <translation>此案件以只读方式打开，无法保存截图。</translation>
    </message>
    <message>
        <location filename="../../app/gui/capture.py" line="406" />
        <source>The screen could not be captured on this system; nothing was stored.</source>
        <translation>在此系统上无法截取屏幕；未保存任何内容。</translation>
    </message>
    <message>
        <location filename="../../app/gui/capture.py" line="433" />
        <source>Capture not stored</source>
        <translation>截图未保存</translation>
    </message>
</context>
<context>
    <name>CustodyLogPane</name>
    <message numerus="yes">
        <location filename="../../app/gui/custody_view.py" line="92" />
        <source>%n event(s) in the custody log; each links to the hash of the one before.</source>
        <translation><numerusform>保管链日志共 %n 条事件；每条都链接到前一条的哈希值。</numerusform></translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="103" />
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="104" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="105" />
        <source>Actor</source>
        <translation>操作者</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="106" />
        <source>Item</source>
        <translation>证据项</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="107" />
        <source>Hash</source>
        <translation>哈希值</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="108" />
        <source>Previous hash</source>
        <translation>前一哈希值</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="130" />
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="131" />
        <source>Go to latest</source>
        <translation>转到最新</translation>
    </message>
    <message>
        <location filename="../../app/gui/custody_view.py" line="132" />
        <source>Double-click an event to show its item.</source>
        <translation>双击事件可显示其对应的证据项。</translation>
    </message>
</context>
<context>
    <name>EventTableModel</name>
    <message>
        <location filename="../../app/gui/models.py" line="281" />
        <source>Seq</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="282" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="283" />
        <source>Actor</source>
        <translation>操作者</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="284" />
        <source>Action</source>
        <translation>动作</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="285" />
        <source>Item</source>
        <translation>证据项</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="286" />
        <source>Hash</source>
        <translation>哈希值</translation>
    </message>
</context>
<context>
    <name>EvidencePane</name>
    <message>
        <location filename="../../app/gui/evidence_view.py" line="483" />
        <source>No items to show.

Import files with File ▸ Import (Ctrl+I), drop files or folders here, or take a screen capture. If a filter is set, clear it.</source>
        <translation>没有可显示的证据项。

可通过“文件 ▸ 导入”（Ctrl+I）导入文件，将文件或文件夹拖放到此处，或进行屏幕截图。如已设置筛选条件，请将其清除。</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="103" />
        <source>Search prompts, URLs, notes…</source>
        <translation>搜索提示词、网址、备注…</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="106" />
        <source>Finds items whose prompt, metadata, source URL, notes or tags contain the text.</source>
        <translation>查找提示词、元数据、来源网址、备注或标签中包含该文本的证据项。</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="109" />
        <source>Any tag</source>
        <translation>任意标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="113" />
        <source>Any kind</source>
        <translation>任意类型</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="122" />
        <source>Attested or not</source>
        <translation>时间戳：全部</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="123" />
        <source>Attested</source>
        <translation>已加盖时间戳</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="124" />
        <source>Not yet attested</source>
        <translation>尚未加盖</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="127" />
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="128" />
        <source>To</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="129" />
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../app/gui/filter_bar.py" line="130" />
        <source>Show every item again</source>
        <translation>重新显示全部证据项</translation>
    </message>
</context>
<context>
    <name>ImportFlow</name>
    <message>
        <location filename="../../app/gui/import_flow.py" line="104" />
        <source>Import files</source>
        <translation>导入文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="107" />
        <source>Import a folder</source>
        <translation>导入文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="137" />
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="138" />
        <source>this case is open read-only</source>
        <translation>此案件以只读方式打开</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="143" />
        <source>Importing</source>
        <translation>正在导入</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="144" />
        <source>Finding files…</source>
        <translation>正在查找文件…</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="145" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/import_flow.py" line="160" />
        <source>Imported %n of {total} file(s)…</source>
        <translation><numerusform>已导入 %n / {total} 个文件…</numerusform></translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="179" />
        <source>Import failed</source>
        <translation>导入失败</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="190" />
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>ImportSummaryDialog</name>
    <message>
        <location filename="../../app/gui/import_flow.py" line="42" />
        <source>Import finished</source>
        <translation>导入完成</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/import_flow.py" line="48" />
        <source>Imported: %n new item(s).</source>
        <translation><numerusform>已导入：%n 个新证据项。</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/import_flow.py" line="50" />
        <source>Already in the case (duplicates, logged as seen again): %n.</source>
        <translation><numerusform>案件中已有（重复项，已记录为再次出现）：%n 个。</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/import_flow.py" line="52" />
        <source>Refused: %n file(s), listed below with the reason.</source>
        <translation><numerusform>已拒绝：%n 个文件，原因列于下方。</numerusform></translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="55" />
        <source>The import was cancelled; every file recorded before that is kept and logged.</source>
        <translation>导入已取消；取消前已记录的文件均已保留并记入日志。</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="58" />
        <source>The import stopped: {error}</source>
        <translation>导入已中止：{error}</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="62" />
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/import_flow.py" line="62" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
</context>
<context>
    <name>Inspector</name>
    <message>
        <location filename="../../app/gui/inspector.py" line="283" />
        <source>Item #{id} · {kind}</source>
        <translation>证据项 #{id} · {kind}</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="285" />
        <source>withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="294" />
        <source>Attested: a trusted timestamp covers this item's SHA-256.</source>
        <translation>已加盖时间戳：可信时间戳覆盖该证据项的 SHA-256。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="298" />
        <source>Pending: no trusted timestamp yet. Proofshot requests one when a timestamp authority can be reached; until then the acquisition time is the computer's clock.</source>
        <translation>待处理：尚无可信时间戳。能够连接时间戳服务机构时，Proofshot 会申请时间戳；在此之前，获取时间为本机时钟时间。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="312" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="313" />
        <source>Media type</source>
        <translation>媒体类型</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="314" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="317" />
        <source>Dimensions</source>
        <translation>尺寸</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="319" />
        <source>Acquired</source>
        <translation>获取时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="320" />
        <source>Acquired (UTC)</source>
        <translation>获取时间（UTC）</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="321" />
        <source>Computer's offset</source>
        <translation>本机时区偏移</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="322" />
        <source>Operator</source>
        <translation>操作人员</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="323" />
        <source>Method</source>
        <translation>方式</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="324" />
        <source>Tool</source>
        <translation>工具</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="325" />
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="328" />
        <source>Derived from</source>
        <translation>派生自</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="333" />
        <source>Media note</source>
        <translation>媒体说明</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="335" />
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="346" />
        <source>Generator</source>
        <translation>生成器</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="347" />
        <source>Generator parameters</source>
        <translation>生成参数</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="348" />
        <source>present</source>
        <translation>存在</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="349" />
        <source>AI labels</source>
        <translation>AI 标识</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="350" />
        <source>Looked for, not present</source>
        <translation>已检查、未发现</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="351" />
        <source>Problems reading the metadata</source>
        <translation>读取元数据时的问题</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="352" />
        <source>No tags yet.</source>
        <translation>暂无标签。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="353" />
        <source>No notes yet.</source>
        <translation>暂无备注。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="360" />
        <source>none found</source>
        <translation>未发现</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="367" />
        <source>No prompt found in the file.</source>
        <translation>文件中未发现提示词。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="369" />
        <source>No negative prompt found in the file.</source>
        <translation>文件中未发现反向提示词。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="406" />
        <source>signed by</source>
        <translation>签名者</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="435" />
        <source>No provenance was extracted for this item.</source>
        <translation>未从该证据项中提取到来源信息。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="444" />
        <source>Remove this tag</source>
        <translation>移除此标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="468" />
        <source>Correction</source>
        <translation>更正</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="468" />
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="470" />
        <source>Prompt entered by the operator (not captured)</source>
        <translation>操作人员录入的提示词（非采集所得）</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="492" />
        <source>No preview: this item is {type}, not a picture.</source>
        <translation>无预览：该证据项为 {type}，不是图片。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="498" />
        <source>Loading preview…</source>
        <translation>正在加载预览…</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="526" />
        <source>Preview scaled to {w} × {h}; the original is {ow} × {oh} and is unchanged.</source>
        <translation>预览已缩放至 {w} × {h}；原件为 {ow} × {oh}，未作任何改动。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="529" />
        <source>Preview decoded from the original at full resolution.</source>
        <translation>预览由原件按完整分辨率解码。</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="543" />
        <source>Tag not added</source>
        <translation>标签未添加</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="556" />
        <source>Tag not removed</source>
        <translation>标签未移除</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="578" />
        <source>Note not added</source>
        <translation>备注未添加</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="586" />
        <source>Hashes</source>
        <translation>哈希值</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="588" />
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="589" />
        <source>Copy this hash to the clipboard</source>
        <translation>将此哈希值复制到剪贴板</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="590" />
        <source>Acquisition</source>
        <translation>获取信息</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="591" />
        <source>Provenance found in the file</source>
        <translation>文件中的来源信息</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="592" />
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="593" />
        <source>Negative prompt</source>
        <translation>反向提示词</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="595" />
        <source>Prompt entered by the operator (typed in by hand, not captured)</source>
        <translation>操作人员录入的提示词（手工输入，非采集所得）</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="597" />
        <source>Trusted timestamp</source>
        <translation>可信时间戳</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="598" />
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="599" />
        <source>Add a tag…</source>
        <translation>添加标签…</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="600" />
        <source>Add tag</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="601" />
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="602" />
        <source>Write a note about this item…</source>
        <translation>为该证据项撰写备注…</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="603" />
        <source>This note corrects the record</source>
        <translation>此备注为对记录的更正</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="604" />
        <source>Add note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="605" />
        <source>This item's custody events</source>
        <translation>该证据项的保管链事件</translation>
    </message>
    <message>
        <location filename="../../app/gui/inspector.py" line="606" />
        <source>Select an item to see its details.</source>
        <translation>选择一个证据项以查看详情。</translation>
    </message>
</context>
<context>
    <name>ItemTableModel</name>
    <message>
        <location filename="../../app/gui/models.py" line="42" />
        <source>Item</source>
        <translation>证据项</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="43" />
        <source>Acquired</source>
        <translation>获取时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="44" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="45" />
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="46" />
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="47" />
        <source>Attested</source>
        <translation>时间戳</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="48" />
        <source>Type</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="49" />
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../../app/gui/models.py" line="247" />
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
</context>
<context>
    <name>Kinds</name>
    <message>
        <location filename="../../app/gui/labels.py" line="19" />
        <source>Imported file</source>
        <translation>导入的文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="20" />
        <source>Screenshot</source>
        <translation>屏幕截图</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="21" />
        <source>Web capture</source>
        <translation>网页采集</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="22" />
        <source>Page HTML</source>
        <translation>网页 HTML</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="23" />
        <source>Page archive (MHTML)</source>
        <translation>网页存档（MHTML）</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="24" />
        <source>Environment record</source>
        <translation>环境记录</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="25" />
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="26" />
        <source>Web archive</source>
        <translation>网络存档</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="27" />
        <source>Original work</source>
        <translation>原作品</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="28" />
        <source>Licence document</source>
        <translation>授权文件</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="29" />
        <source>API exchange</source>
        <translation>API 交互</translation>
    </message>
    <message>
        <location filename="../../app/gui/labels.py" line="30" />
        <source>Derived image</source>
        <translation>派生图像</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/gui/main_window.py" line="256" />
        <source>Case: {title} — {path}</source>
        <translation>案件：{title} — {path}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="262" />
        <source>%n item(s)</source>
        <translation><numerusform>%n 个证据项</numerusform></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="264" />
        <source>{shown} of {text} shown</source>
        <translation>显示 {shown} / {text}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="267" />
        <source>%n pending attestation(s)</source>
        <translation><numerusform>%n 个待加盖时间戳</numerusform></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="269" />
        <source>READ-ONLY</source>
        <translation>只读</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="274" />
        <source>Working: {task}</source>
        <translation>正在处理：{task}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="357" />
        <source>Copied %n SHA-256 hash(es).</source>
        <translation><numerusform>已复制 %n 个 SHA-256 哈希值。</numerusform></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="378" />
        <source>The selected items have no tags.</source>
        <translation>所选证据项没有标签。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="395" />
        <source>Removed “{tag}” from %n item(s).</source>
        <translation><numerusform>已从 %n 个证据项移除“{tag}”。</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/main_window.py" line="397" />
        <source>Tagged %n item(s) “{tag}”.</source>
        <translation><numerusform>已为 %n 个证据项添加标签“{tag}”。</numerusform></translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="404" />
        <source>Tags not changed</source>
        <translation>标签未更改</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="433" />
        <source>{title} — Proofshot</source>
        <translation>{title} — Proofshot</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="434" />
        <source>(read-only)</source>
        <translation>（只读）</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="437" />
        <source>&amp;New case…</source>
        <translation>新建案件(&amp;N)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="438" />
        <source>&amp;Open case…</source>
        <translation>打开案件(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="439" />
        <source>&amp;Close case</source>
        <translation>关闭案件(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="440" />
        <source>&amp;Import files…</source>
        <translation>导入文件(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="441" />
        <source>Import &amp;folder…</source>
        <translation>导入文件夹(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="442" />
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="443" />
        <source>Capture &amp;full screen</source>
        <translation>截取全屏(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="444" />
        <source>Capture a &amp;window</source>
        <translation>截取窗口(&amp;W)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="445" />
        <source>Capture a &amp;region…</source>
        <translation>截取区域(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="446" />
        <source>&amp;Tag selected…</source>
        <translation>为所选项添加标签(&amp;T)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="447" />
        <source>&amp;Remove a tag…</source>
        <translation>移除标签(&amp;R)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="448" />
        <source>Add &amp;note</source>
        <translation>添加备注(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="449" />
        <source>&amp;Copy SHA-256</source>
        <translation>复制 SHA-256(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="450" />
        <source>Select &amp;all</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="451" />
        <source>&amp;Find…</source>
        <translation>查找(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="452" />
        <source>&amp;Grid</source>
        <translation>网格(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="453" />
        <source>&amp;Table</source>
        <translation>表格(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="454" />
        <source>Custody &amp;log</source>
        <translation>保管链日志(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="455" />
        <source>&amp;Inspector</source>
        <translation>检查器(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="456" />
        <source>Re&amp;fresh</source>
        <translation>刷新(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="457" />
        <source>&amp;Verify case…</source>
        <translation>校验案件(&amp;V)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="458" />
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="465" />
        <source>Capture region</source>
        <translation>截取区域</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="466" />
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="467" />
        <source>Tag</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="468" />
        <source>Verify</source>
        <translation>校验</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="469" />
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="470" />
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="471" />
        <source>&amp;Capture</source>
        <translation>截图(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="472" />
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="473" />
        <source>C&amp;ase</source>
        <translation>案件(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="474" />
        <source>Evidence</source>
        <translation>证据</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="475" />
        <source>Custody log</source>
        <translation>保管链日志</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="476" />
        <source>Inspector</source>
        <translation>检查器</translation>
    </message>
    <message>
        <location filename="../../app/gui/main_window.py" line="477" />
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../app/gui/messages.py" line="54" />
        <source>The operation failed: {reason}.</source>
        <translation>操作失败：{reason}。</translation>
    </message>
    <message>
        <location filename="../../app/gui/messages.py" line="58" />
        <source>Something unexpected went wrong ({kind}). Nothing was changed by the failed step.</source>
        <translation>发生意外错误（{kind}）。失败的步骤未作任何更改。</translation>
    </message>
</context>
<context>
    <name>NewCaseDialog</name>
    <message>
        <location filename="../../app/gui/start_window.py" line="63" />
        <source>New case</source>
        <translation>新建案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="68" />
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="77" />
        <source>Case title</source>
        <translation>案件名称</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="78" />
        <source>Create in folder</source>
        <translation>创建位置</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="79" />
        <source>Operator</source>
        <translation>操作人员</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="84" />
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="97" />
        <source>Folder for the new case</source>
        <translation>新案件所在文件夹</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="117" />
        <source>The case will be the folder {path}</source>
        <translation>案件将保存为文件夹 {path}</translation>
    </message>
</context>
<context>
    <name>PreviewPane</name>
    <message>
        <location filename="../../app/gui/preview.py" line="133" />
        <source>Zoom in (Ctrl+wheel)</source>
        <translation>放大（Ctrl+滚轮）</translation>
    </message>
    <message>
        <location filename="../../app/gui/preview.py" line="134" />
        <source>Zoom out (Ctrl+wheel)</source>
        <translation>缩小（Ctrl+滚轮）</translation>
    </message>
    <message>
        <location filename="../../app/gui/preview.py" line="135" />
        <source>Fit</source>
        <translation>适应</translation>
    </message>
    <message>
        <location filename="../../app/gui/preview.py" line="136" />
        <source>Fit the image in the pane</source>
        <translation>使图像适应窗格</translation>
    </message>
    <message>
        <location filename="../../app/gui/preview.py" line="137" />
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <location filename="../../app/gui/preview.py" line="138" />
        <source>Show the preview at its actual size</source>
        <translation>按实际尺寸显示预览</translation>
    </message>
</context>
<context>
    <name>RegionSelector</name>
    <message>
        <location filename="../../app/gui/capture.py" line="194" />
        <source>Drag to select the region to capture; Esc cancels.</source>
        <translation>拖动以选择要截取的区域；按 Esc 取消。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="65" />
        <source>This computer's time zone</source>
        <translation>本机时区</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="82" />
        <source>Operator name</source>
        <translation>操作人员姓名</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="83" />
        <source>Organisation</source>
        <translation>所属机构</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="84" />
        <source>Show times in</source>
        <translation>时间显示时区</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="85" />
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="88" />
        <source>The operator name is written into the custody log for every change you make. Times are stored in UTC; this only changes how they are shown.</source>
        <translation>您所做的每项更改都会将操作人员姓名写入保管链日志。时间以 UTC 存储；此处仅改变显示方式。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="104" />
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="105" />
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="106" />
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="107" />
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="117" />
        <source>Credentials for the selected authority</source>
        <translation>所选机构的凭据</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="126" />
        <source>Store in keyring</source>
        <translation>保存到密钥环</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="128" />
        <source>Forget</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="134" />
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="135" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="148" />
        <source>Trusted timestamps (RFC 3161) are requested from these authorities, in this order; the next is tried when one fails.</source>
        <translation>按此顺序向以下机构申请可信时间戳（RFC 3161）；一个失败时尝试下一个。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="161" />
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="162" />
        <source>Trusted time</source>
        <translation>可信时间</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="171" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="199" />
        <source>Timestamp authority</source>
        <translation>时间戳服务机构</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="200" />
        <source>A timestamp authority is given by its http:// or https:// address.</source>
        <translation>时间戳服务机构应以 http:// 或 https:// 地址表示。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="240" />
        <source>No keyring is available on this system, so credentials cannot be stored; nothing is ever written to a file instead. Authorities that need no account still work.</source>
        <translation>此系统没有可用的密钥环，因此无法保存凭据；也绝不会改为写入文件。无需账户的机构仍可正常使用。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="244" />
        <source>Credentials are kept only in {where}, never in the case or in the settings file.</source>
        <translation>凭据仅保存在 {where} 中，绝不保存在案件或设置文件里。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="259" />
        <source>Credentials cannot be stored on this system.</source>
        <translation>此系统无法保存凭据。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="269" />
        <source>Stored for {url} (user {user}).</source>
        <translation>已为 {url} 保存（用户 {user}）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="273" />
        <source>A credential header is stored for {url}.</source>
        <translation>已为 {url} 保存凭据请求头。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="277" />
        <source>No credentials stored for {url}.</source>
        <translation>尚未为 {url} 保存凭据。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="285" />
        <source>Enter both a user name and a password.</source>
        <translation>请同时输入用户名和密码。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="291" />
        <source>Not stored.</source>
        <translation>未保存。</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="294" />
        <source>Credentials not stored</source>
        <translation>凭据未保存</translation>
    </message>
    <message>
        <location filename="../../app/gui/settings_dialog.py" line="295" />
        <source>The credentials were not stored, and nothing was written anywhere.</source>
        <translation>凭据未保存，也未写入任何位置。</translation>
    </message>
</context>
<context>
    <name>StartWindow</name>
    <message>
        <location filename="../../app/gui/start_window.py" line="201" />
        <source>not found (moved, renamed, or on a drive not connected)</source>
        <translation>未找到（已移动、重命名，或所在驱动器未连接）</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="249" />
        <source>Open a case folder (…{suffix})</source>
        <translation>打开案件文件夹（…{suffix}）</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="263" />
        <location filename="../../app/gui/start_window.py" line="264" />
        <source>Proofshot</source>
        <translation>Proofshot</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="267" />
        <source>Capture, hash, timestamp and compare AI-generated images as evidence. Open a case to continue, or create a new one.</source>
        <translation>将 AI 生成的图像作为证据进行采集、哈希、加盖时间戳并比对。请打开一个案件继续，或新建案件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="271" />
        <source>Recent cases</source>
        <translation>最近的案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="272" />
        <source>New case…</source>
        <translation>新建案件…</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="273" />
        <source>Create a new case folder (Ctrl+N)</source>
        <translation>新建案件文件夹（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="274" />
        <source>Open case…</source>
        <translation>打开案件…</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="275" />
        <source>Open an existing case folder (Ctrl+O)</source>
        <translation>打开已有的案件文件夹（Ctrl+O）</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="276" />
        <source>Open selected</source>
        <translation>打开所选案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="277" />
        <source>Remove from list</source>
        <translation>从列表中移除</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="279" />
        <source>Removes the entry only; the case itself is not touched.</source>
        <translation>仅移除列表条目；案件本身不受影响。</translation>
    </message>
    <message>
        <location filename="../../app/gui/start_window.py" line="281" />
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
</context>
<context>
    <name>TagDialog</name>
    <message>
        <location filename="../../app/gui/tag_dialog.py" line="26" />
        <source>Remove a tag</source>
        <translation>移除标签</translation>
    </message>
    <message>
        <location filename="../../app/gui/tag_dialog.py" line="26" />
        <source>Tag selected items</source>
        <translation>为所选证据项添加标签</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/tag_dialog.py" line="30" />
        <source>Remove which tag from the %n selected item(s)?</source>
        <translation><numerusform>要从所选的 %n 个证据项中移除哪个标签？</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/tag_dialog.py" line="32" />
        <source>Add a tag to the %n selected item(s):</source>
        <translation><numerusform>为所选的 %n 个证据项添加标签：</numerusform></translation>
    </message>
    <message>
        <location filename="../../app/gui/tag_dialog.py" line="44" />
        <source>Each tag change is written to the custody log.</source>
        <translation>每次标签更改都会写入保管链日志。</translation>
    </message>
</context>
<context>
    <name>Thumbnails</name>
    <message>
        <location filename="../../app/gui/icons.py" line="78" />
        <source>Not drawn: the image is too large to decode safely ({size}).</source>
        <translation>未显示：图像过大，无法安全解码（{size}）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/icons.py" line="82" />
        <source>Not drawn: the original file is missing from the case.</source>
        <translation>未显示：案件中缺少原始文件。</translation>
    </message>
    <message>
        <location filename="../../app/gui/icons.py" line="86" />
        <source>Not an image ({type}); no picture is drawn.</source>
        <translation>不是图像（{type}），不显示画面。</translation>
    </message>
    <message>
        <location filename="../../app/gui/icons.py" line="89" />
        <source>Not drawn: the image could not be decoded ({detail}).</source>
        <translation>未显示：无法解码该图像（{detail}）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/icons.py" line="98" />
        <source>Too large</source>
        <translation>过大</translation>
    </message>
    <message>
        <location filename="../../app/gui/icons.py" line="100" />
        <source>Missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../app/gui/icons.py" line="101" />
        <source>Cannot decode</source>
        <translation>无法解码</translation>
    </message>
</context>
<context>
    <name>VerifyFlow</name>
    <message>
        <location filename="../../app/gui/verify_view.py" line="157" />
        <source>Verifying the case</source>
        <translation>正在校验案件</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="158" />
        <source>Replaying the custody log…</source>
        <translation>正在重放保管链日志…</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="159" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="172" />
        <source>Re-hashing original files: {done} of {total}</source>
        <translation>正在重新计算原始文件哈希：{done} / {total}</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="193" />
        <source>Verification did not finish</source>
        <translation>校验未完成</translation>
    </message>
</context>
<context>
    <name>VerifyResultDialog</name>
    <message>
        <location filename="../../app/gui/verify_view.py" line="61" />
        <source>Verification result</source>
        <translation>校验结果</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="72" />
        <source>✔ INTACT</source>
        <translation>✔ 完好</translation>
    </message>
    <message numerus="yes">
        <location filename="../../app/gui/verify_view.py" line="74" />
        <source>✖ BROKEN — %n problem(s)</source>
        <translation><numerusform>✖ 已损坏 — %n 个问题</numerusform></translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="81" />
        <source>Checked {events} custody events and {items} items; re-hashed {objects} original files (SHA-256, SHA-512, SM3).</source>
        <translation>已检查 {events} 条保管链事件和 {items} 个证据项；已重新计算 {objects} 个原始文件的哈希值（SHA-256、SHA-512、SM3）。</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="83" />
        <source>Head of the custody log: {hash}</source>
        <translation>保管链日志末端哈希：{hash}</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="89" />
        <source>Every original file matches the hashes recorded when it was acquired, and the custody log is unbroken.</source>
        <translation>每个原始文件都与获取时记录的哈希值一致，保管链日志完整无断裂。</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="96" />
        <source>The case does not match its own record. Each problem is listed below; do not rely on the items named until it is explained.</source>
        <translation>案件与其自身记录不符。各问题列于下方；在查明原因之前，请勿依赖所列证据项。</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="101" />
        <source>The case is open read-only, so this verification was not logged.</source>
        <translation>案件以只读方式打开，因此本次校验未记入日志。</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="104" />
        <source>This verification was recorded in the custody log.</source>
        <translation>本次校验已记入保管链日志。</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="109" />
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="109" />
        <source>Item</source>
        <translation>证据项</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="109" />
        <source>Event</source>
        <translation>事件</translation>
    </message>
    <message>
        <location filename="../../app/gui/verify_view.py" line="109" />
        <source>What is wrong</source>
        <translation>问题说明</translation>
    </message>
</context>
</TS>