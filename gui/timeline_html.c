/*
 * The zoomable HTML timeline (see timeline_html.h).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "led_display.h"
#include "pattern_style.h"
#include "timeline_html.h"

static const char page_style[] =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:24px;color:#202124;"
    "background:#fff}\n"
    "h1{font-size:22px;margin:0 0 6px}h2{font-size:16px;margin:24px 0 6px}\n"
    ".meta{color:#5f6368;margin:0 0 8px}\n"
    "#controls{margin:8px 0}#controls button{margin-right:6px}\n"
    "#view{width:100%;height:170px;border:1px solid #dadce0;cursor:grab;display:block}\n"
    "#readout{font-family:'DejaVu Sans Mono',monospace;font-size:13px;min-height:1.4em;"
    "margin-top:6px}\n"
    "table{border-collapse:collapse;font-size:13px}td,th{padding:2px 12px 2px 0;text-align:left}"
    "td.t{font-family:'DejaVu Sans Mono',monospace;text-align:right}\n"
    ".sw{display:inline-block;width:14px;height:10px;border:1px solid;margin-right:6px}\n";

/* The viewer. Reads DATA (below it in the page); times are microseconds. */
static const char page_script[] =
    "const cv=document.getElementById('view'),ctx=cv.getContext('2d');\n"
    "const S=DATA.t.length,R=new Float32Array(S),G=new Float32Array(S),B=new Float32Array(S);\n"
    "for(let i=0;i<S;i++){const v=parseInt(DATA.c[i],16);R[i]=v>>16;G[i]=(v>>8)&255;B[i]=v&255;}\n"
    "const START=DATA.start/1e6,END=Math.max(DATA.end/1e6,START+1e-3);\n"
    "const hasD7=DATA.d.some(v=>v),hasSteps=DATA.steps.length>0;\n"
    "let t0=START,t1=END;\n"
    "const L={x:70,stepY:2,stepH:hasSteps?16:0};\n"
    "L.stripY=L.stepY+L.stepH;L.stripH=56;L.d7Y=L.stripY+L.stripH+2;L.d7H=hasD7?6:0;\n"
    "L.patY=L.d7Y+L.d7H+4;L.patH=22;L.axisY=L.patY+L.patH+6;\n"
    "function tAt(i){return DATA.t[i]/1e6;}\n"
    "function sampleAt(t){let lo=0,hi=S;while(lo<hi){const m=(lo+hi)>>1;"
    "if(tAt(m)<=t)lo=m+1;else hi=m;}return lo-1;}\n"
    "function patternAt(t){let k=-1;for(let i=0;i<DATA.patterns.length;i++)"
    "{if(DATA.patterns[i][0]/1e6<=t)k=i;else break;}return k;}\n"
    "function niceStep(span,px,minPx){const per=span/px;\n"
    " for(let e=-4;e<=1;e++)for(const m of [1,2,5]){const s=m*Math.pow(10,e);if(s/per>=minPx)return s;}\n"
    " for(const s of [15,30,60,120,300,600,900,1800,3600])if(s/per>=minPx)return s;\n"
    " return Math.ceil(span/3600)*3600;}\n"
    "function fmt(t,step){if(Math.abs(t)<step*1e-6)t=0;let d=0;for(let u=1;d<4&&step<u*0.999;u/=10)d++;return t.toFixed(d)+' s';}\n"
    "function resize(){cv.width=Math.max(400,cv.clientWidth);cv.height=L.axisY+24;"
    "cv.style.height=cv.height+'px';L.w=cv.width-L.x-16;draw();}\n"
    "function xOf(t){return L.x+(t-t0)/(t1-t0)*L.w;}\n"
    "function drawStrip(){const W=Math.floor(L.w),dt=(t1-t0)/W;\n"
    " const acc=new Float64Array(W*5);let k=Math.max(0,sampleAt(t0));\n"
    " for(;k<S;k++){const a=Math.max(tAt(k),t0);if(tAt(k)>=t1)break;\n"
    "  const b=Math.min(k+1<S?tAt(k+1):END,t1);if(b<=a)continue;\n"
    "  let c0=Math.max(0,Math.floor((a-t0)/dt)),c1=Math.min(W-1,Math.floor((b-t0)/dt));\n"
    "  for(let c=c0;c<=c1;c++){const o=Math.min(b,t0+(c+1)*dt)-Math.max(a,t0+c*dt);if(o<=0)continue;\n"
    "   acc[c*5]+=R[k]*o;acc[c*5+1]+=G[k]*o;acc[c*5+2]+=B[k]*o;acc[c*5+3]+=o;"
    "acc[c*5+4]+=DATA.d[k]?o:0;}}\n"
    " const img=ctx.createImageData(W,L.stripH);\n"
    " for(let c=0;c<W;c++){const cov=acc[c*5+3];let r=236,g=239,b=241;\n"
    "  if(cov>0){const a=Math.min(1,cov/dt);r=r*(1-a)+acc[c*5]/cov*a;g=g*(1-a)+acc[c*5+1]/cov*a;"
    "b=b*(1-a)+acc[c*5+2]/cov*a;}\n"
    "  for(let y=0;y<L.stripH;y++){const p=(y*W+c)*4;img.data[p]=r;img.data[p+1]=g;"
    "img.data[p+2]=b;img.data[p+3]=255;}\n"
    "  if(hasD7){ctx.fillStyle='#eceff1';ctx.fillRect(L.x+c,L.d7Y,1,L.d7H);\n"
    "   if(acc[c*5+4]>0){ctx.fillStyle='rgba(61,134,255,'+Math.min(1,acc[c*5+4]/dt)+')';"
    "ctx.fillRect(L.x+c,L.d7Y,1,L.d7H);}}}\n"
    " ctx.putImageData(img,L.x,L.stripY);ctx.strokeStyle='#b8bec6';"
    "ctx.strokeRect(L.x-0.5,L.stripY-0.5,W+1,L.stripH+1);}\n"
    "function drawPatterns(){ctx.font='12px sans-serif';const P=DATA.patterns;\n"
    " for(let i=0;i<P.length;i++){const a=P[i][0]/1e6,b=i+1<P.length?P[i+1][0]/1e6:END;\n"
    "  if(b<t0||a>t1)continue;const x0=Math.round(xOf(Math.max(a,t0))),"
    "x1=Math.round(xOf(Math.min(b,t1))),w=Math.max(2,x1-x0-1);\n"
    "  ctx.fillStyle=P[i][2];ctx.strokeStyle=P[i][3];ctx.fillRect(x0+0.5,L.patY+0.5,w,L.patH-1);"
    "ctx.strokeRect(x0+0.5,L.patY+0.5,w,L.patH-1);\n"
    "  if(ctx.measureText(P[i][1]).width+8<=w){ctx.fillStyle=P[i][4];"
    "ctx.fillText(P[i][1],x0+5,L.patY+L.patH-7);}}}\n"
    "function drawSteps(){ctx.font='bold 11px sans-serif';let end=-1e9;\n"
    " for(const s of DATA.steps){const t=s[0]/1e6;if(t<t0||t>t1)continue;"
    "const x=Math.floor(xOf(t))+0.5;\n"
    "  ctx.setLineDash([4,3]);ctx.strokeStyle='#7b1fa2';ctx.beginPath();ctx.moveTo(x,L.stepY+2);"
    "ctx.lineTo(x,L.patY+L.patH);ctx.stroke();ctx.setLineDash([]);\n"
    "  const tx=Math.max(x+3,end+6),tw=ctx.measureText(s[1]).width;ctx.fillStyle='#f6ebf9';"
    "ctx.fillRect(tx-2,L.stepY+1,tw+4,L.stepH-3);\n"
    "  ctx.fillStyle='#7b1fa2';ctx.fillText(s[1],tx,L.stepY+L.stepH-5);end=tx+tw;}}\n"
    "function drawAxis(){const step=niceStep(t1-t0,L.w,90),y=L.axisY+0.5;"
    "ctx.strokeStyle='#b8bec6';ctx.fillStyle='#5f6368';ctx.font='11px sans-serif';\n"
    " ctx.beginPath();ctx.moveTo(L.x,y);ctx.lineTo(L.x+L.w,y);\n"
    " for(let t=Math.ceil(t0/step-1e-6)*step;t<=t1+1e-9;t+=step){const x=Math.floor(xOf(t))+0.5;"
    "ctx.moveTo(x,y);ctx.lineTo(x,y+5);\n"
    "  const s=fmt(t,step),w=ctx.measureText(s).width;"
    "ctx.fillText(s,Math.min(Math.max(x-w/2,L.x-4),L.x+L.w-w+8),y+16);}\n"
    " ctx.stroke();}\n"
    "function draw(){ctx.fillStyle='#fff';ctx.fillRect(0,0,cv.width,cv.height);\n"
    " ctx.fillStyle='#202124';ctx.font='bold 12px sans-serif';ctx.fillText('LED',L.x-40,"
    "L.stripY+L.stripH/2+4);ctx.fillText('pattern',L.x-62,L.patY+L.patH-7);\n"
    " drawStrip();drawPatterns();drawSteps();drawAxis();\n"
    " document.getElementById('range').textContent='showing '+t0.toFixed(3)+' \\u2013 '+"
    "t1.toFixed(3)+' s of '+START.toFixed(3)+' \\u2013 '+END.toFixed(3)+' s';}\n"
    "function zoom(f,tc){const span=Math.min(END-START,Math.max(0.01,(t1-t0)*f));\n"
    " let a=tc-(tc-t0)*span/(t1-t0);a=Math.min(Math.max(a,START),END-span);t0=a;t1=a+span;draw();}\n"
    "function tOfEvent(e){const r=cv.getBoundingClientRect();"
    "return t0+((e.clientX-r.left)*cv.width/r.width-L.x)/L.w*(t1-t0);}\n"
    "cv.addEventListener('wheel',e=>{e.preventDefault();zoom(e.deltaY>0?1.25:0.8,"
    "Math.min(Math.max(tOfEvent(e),t0),t1));},{passive:false});\n"
    "let drag=null;cv.addEventListener('mousedown',e=>{drag={x:e.clientX,a:t0,b:t1};"
    "cv.style.cursor='grabbing';});\n"
    "window.addEventListener('mouseup',()=>{drag=null;cv.style.cursor='grab';});\n"
    "cv.addEventListener('mousemove',e=>{if(drag){const r=cv.getBoundingClientRect();\n"
    "  const d=(e.clientX-drag.x)*cv.width/r.width/L.w*(drag.b-drag.a);let a=drag.a-d;\n"
    "  a=Math.min(Math.max(a,START),END-(drag.b-drag.a));t0=a;t1=a+(drag.b-drag.a);draw();}\n"
    " const t=tOfEvent(e),out=document.getElementById('readout');\n"
    " if(t<START||t>END){out.textContent='';return;}const k=sampleAt(t),p=patternAt(t);\n"
    " out.textContent='t = '+t.toFixed(4)+' s   LED '+(k<0?'(no data)':'#'+DATA.c[k]+"
    "'  brightest channel '+DATA.p[k]+'/10000 PWM')+(hasD7&&k>=0?'   D7 '+(DATA.d[k]?'on':'off'):'')+"
    "'   pattern: '+(p<0?'-':DATA.patterns[p][1]);});\n"
    "cv.addEventListener('dblclick',()=>{t0=START;t1=END;draw();});\n"
    "document.getElementById('fit').onclick=()=>{t0=START;t1=END;draw();};\n"
    "document.getElementById('in').onclick=()=>zoom(0.5,(t0+t1)/2);\n"
    "document.getElementById('out').onclick=()=>zoom(2,(t0+t1)/2);\n"
    "window.addEventListener('resize',resize);resize();\n";

/* Text inside an HTML element or attribute. */
static void put_html_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out); break;
        }
    }
}

/*
 * A JavaScript string literal that is safe inside <script>: quotes,
 * backslashes, angle brackets and control characters are escaped, so no
 * name can close the script element.
 */
static void put_js_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\' || ch == '<' || ch == '>' || ch == '&' || ch < 0x20) {
            fprintf(out, "\\u%04x", ch);
        } else {
            fputc(ch, out);
        }
    }
    fputc('"', out);
}

static long long microseconds(double t)
{
    return llround(t * 1e6);
}

static void put_data(FILE *out, const struct report_timeline *tl)
{
    size_t i;

    fprintf(out, "const DATA={start:%lld,end:%lld,\nt:[", microseconds(report_timeline_start(tl)),
            microseconds(tl->end_t));
    for (i = 0; i < tl->n_samples; i++) {
        fprintf(out, "%s%lld", i ? "," : "", microseconds(tl->samples[i].t));
    }
    fputs("],\nc:[", out);
    for (i = 0; i < tl->n_samples; i++) {
        const struct led_sample *s = &tl->samples[i];
        fprintf(out, "%s\"%06x\"", i ? "," : "",
                (unsigned)led_display_hex(led_display_from_duty(s->r, s->g, s->b)));
    }
    fputs("],\np:[", out); /* brightest channel as a CCR value out of 10000 */
    for (i = 0; i < tl->n_samples; i++) {
        const struct led_sample *s = &tl->samples[i];
        fprintf(out, "%s%ld", i ? "," : "", lround(fmax(s->r, fmax(s->g, s->b)) * 10000));
    }
    fputs("],\nd:[", out);
    for (i = 0; i < tl->n_samples; i++) {
        fprintf(out, "%s%d", i ? "," : "", tl->samples[i].d7 ? 1 : 0);
    }
    fputs("],\npatterns:[", out);
    for (i = 0; i < tl->n_patterns; i++) {
        struct pattern_style st = pattern_style_of(tl->patterns[i].text);
        fprintf(out, "%s[%lld,", i ? ",\n" : "", microseconds(tl->patterns[i].t));
        put_js_string(out, tl->patterns[i].text);
        fprintf(out, ",\"#%06x\",\"#%06x\",\"#%06x\"]", (unsigned)st.fill, (unsigned)st.border,
                (unsigned)st.text);
    }
    fputs("],\nsteps:[", out);
    for (i = 0; i < tl->n_steps; i++) {
        fprintf(out, "%s[%lld,", i ? ",\n" : "", microseconds(tl->steps[i].t));
        put_js_string(out, tl->steps[i].text);
        fputc(']', out);
    }
    fputs("]};\n", out);
}

/* Seconds with millisecond precision, from integer arithmetic (no locale). */
static void put_seconds(FILE *out, double t)
{
    long long ms = llround(t * 1000);
    fprintf(out, "%lld.%03lld s", ms / 1000, ms % 1000);
}

static void put_mark_table(FILE *out, const char *heading, const struct timeline_mark *marks,
                           size_t n, bool swatches)
{
    if (n == 0) {
        return;
    }
    fprintf(out, "<h2>%s</h2>\n<table><tr><th>from</th><th>%s</th></tr>\n", heading,
            swatches ? "pattern" : "step");
    for (size_t i = 0; i < n; i++) {
        fputs("<tr><td class=\"t\">", out);
        put_seconds(out, marks[i].t);
        fputs("</td><td>", out);
        if (swatches) {
            struct pattern_style st = pattern_style_of(marks[i].text);
            fprintf(out, "<span class=\"sw\" style=\"background:#%06x;border-color:#%06x\"></span>",
                    (unsigned)st.fill, (unsigned)st.border);
        }
        put_html_text(out, marks[i].text);
        fputs("</td></tr>\n", out);
    }
    fputs("</table>\n", out);
}

int timeline_html_write(FILE *out, const struct report_timeline *tl,
                        const struct timeline_options *opt)
{
    const char *title = opt && opt->title ? opt->title : "Photon status LED timeline";

    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", out);
    put_html_text(out, title);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head><body>\n<h1>", page_style);
    put_html_text(out, title);
    fputs("</h1>\n<p class=\"meta\">", out);
    if (opt && opt->source) {
        put_html_text(out, opt->source);
        fputs(" &middot; ", out);
    }
    fprintf(out, "%zu colour changes, %zu patterns named, %zu scenario steps; virtual time ",
            tl->n_samples, tl->n_patterns, tl->n_steps);
    put_seconds(out, report_timeline_start(tl));
    fputs(" &ndash; ", out);
    put_seconds(out, tl->end_t);
    fputs("</p>\n<p>The strip shows what the RGB LED showed, as bright as it was (black = off); "
          "the boxes under it the pattern photon-sim named, from when it began; dashed lines "
          "the scenario's steps. Time is virtual seconds from power-on.<br>\n"
          "Zoom with the mouse wheel or the buttons, drag to pan, double-click for the whole "
          "run; point at the strip to read the time, colour and pattern.</p>\n"
          "<div id=\"controls\"><button id=\"fit\">Whole run</button><button id=\"in\">Zoom in"
          "</button><button id=\"out\">Zoom out</button> <span id=\"range\"></span></div>\n"
          "<canvas id=\"view\"></canvas>\n<div id=\"readout\"></div>\n", out);
    put_mark_table(out, "Patterns", tl->patterns, tl->n_patterns, true);
    put_mark_table(out, "Scenario steps", tl->steps, tl->n_steps, false);
    fputs("<script>\n", out);
    put_data(out, tl);
    fputs(page_script, out);
    fputs("</script>\n</body></html>\n", out);
    return ferror(out) ? -1 : 0;
}

int timeline_write_html(const struct report_timeline *tl, const struct timeline_options *opt,
                        const char *path, char *why, size_t why_size)
{
    FILE *out = fopen(path, "w");
    int result;

    if (!out) {
        snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    result = timeline_html_write(out, tl, opt);
    if (fclose(out) != 0 || result != 0) {
        snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
